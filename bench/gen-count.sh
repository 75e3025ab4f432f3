#!/bin/sh
# Writes a large synthetic count into DIR:
#   definition.json  PLACES polling places, CONTESTS vote-for-1 contests of four
#                    choices (a, b, c and a write-in w), on every ballot
#   manifest.csv     BATCHES batches of 100 ballots
#   sheets.csv       two teams' tally sheets for every batch: one row per batch
#                    x contest x team, so 2 x BATCHES x CONTESTS rows, and one
#                    sheet (journal event) per batch x team
# Deterministic; needs only a POSIX shell and awk.
set -eu
dir="$1"; batches="${2:-100000}"; contests="${3:-5}"; places="${4:-500}"
mkdir -p "$dir"
awk -v places="$places" -v contests="$contests" 'BEGIN {
  printf "{\"canvass_definition\":1,\"election\":{\"id\":\"bench\",\"name\":\"Benchmark County\",\"date\":\"2026-11-03\"},"
  printf "\"units\":[{\"id\":\"county\",\"name\":\"County\",\"type\":\"jurisdiction\"}"
  for (p = 1; p <= places; p++) printf ",{\"id\":\"p%d\",\"name\":\"Place %d\",\"type\":\"polling_place\",\"parent\":\"county\"}", p, p
  printf "],\"contests\":["
  for (c = 1; c <= contests; c++) {
    printf "%s{\"id\":\"c%d\",\"name\":\"Contest %d\",\"type\":\"plurality\",\"votes_allowed\":1,\"seats\":1,\"district\":\"county\",", (c > 1 ? "," : ""), c, c
    printf "\"choices\":[{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\",\"name\":\"B\"},{\"id\":\"c\",\"name\":\"C\"},{\"id\":\"w\",\"name\":\"Write-in\",\"write_in\":true}]}"
  }
  printf "],\"ballot_styles\":[{\"id\":\"all\",\"contests\":["
  for (c = 1; c <= contests; c++) printf "%s\"c%d\"", (c > 1 ? "," : ""), c
  printf "],\"polling_places\":["
  for (p = 1; p <= places; p++) printf "%s\"p%d\"", (p > 1 ? "," : ""), p
  printf "]}]}\n"
}' > "$dir/definition.json"
awk -v n="$batches" -v places="$places" 'BEGIN {
  print "Container,Tabulator,Batch Name,Number of Ballots,Polling Place"
  for (i = 1; i <= n; i++) printf "C%d,T1,b%d,100,p%d\n", (i - 1) % places + 1, i, (i - 1) % places + 1
}' > "$dir/manifest.csv"
awk -v n="$batches" -v contests="$contests" 'BEGIN {
  print "Sheet,Batch,Team,Members,Contest,Ballots,Blank,Invalid,Undervotes,Overvotes,a,b,c,w"
  srand(7)
  for (i = 1; i <= n; i++) {
    for (k = 1; k <= contests; k++) {
      a[k] = int(rand() * 50); b[k] = int(rand() * (98 - a[k])); c[k] = 98 - a[k] - b[k]
    }
    for (t = 0; t < 2; t++)
      for (k = 1; k <= contests; k++)
        printf "%s%d,b%d,%s,Member One; Member Two,c%d,100,1,1,0,0,%d,%d,%d,0\n", (t ? "B" : "A"), i, i, (t ? "B" : "A"), k, a[k], b[k], c[k]
  }
}' > "$dir/sheets.csv"
