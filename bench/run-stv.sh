#!/bin/sh
# STV figures of the ranked-contests issue, on this machine:
#   1. canvass tabulate --blt --rule scotland over all 1,100 Scottish council
#      elections in ../shared/testdata/scotland (total wall time);
#   2. side by side with droop (Python) on 20 of them, in the same run: the
#      same elections, the same rule, each program started once per election.
# droop is not part of canvass: fetch its public source yourself and give its
# folder as DROOP_DIR (for example: git clone https://github.com/jklundell/droop).
# droop reads only simply quoted candidate names, so the 20 files are
# rewritten into a scratch folder first with the same ballots and the names
# "Candidate 1", "Candidate 2", ...
# Usage: DROOP_DIR=/path/to/droop bench/run-stv.sh [OUT_DIR]
set -eu
top="$(cd "$(dirname "$0")/.." && pwd)"
canvass="$top/build/default/canvass"
data="${CANVASS_TESTDATA:-$top/../shared/testdata}/scotland"
out="${1:-/tmp/canvass-bench-stv}"
[ -x "$canvass" ] || { echo "build first: make build" >&2; exit 1; }
[ -d "$data" ] || { echo "no Scottish elections at $data" >&2; exit 1; }
rm -rf "$out"; mkdir -p "$out/q" "$out/c" "$out/d"
find "$data" -name '*.blt' | sort > "$out/all.txt"
n_all=$(wc -l < "$out/all.txt")
echo "canvass $("$canvass" --version | cut -d' ' -f2), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"

now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }

# 1. All elections in one run of canvass (tabulate --blt FOLDER).
t0=$(now)
"$canvass" tabulate --blt "$data" --rule scotland --output "$out/c/all" > "$out/all.log" 2>&1 || true
t1=$(now)
echo "canvass, all $n_all elections in one run (scotland rule): $(secs "$t0" "$t1") s; $(tail -1 "$out/all.log")"

# 2. Twenty elections (every 55th file), canvass and droop side by side.
[ -n "${DROOP_DIR:-}" ] || { echo "set DROOP_DIR to compare with droop" >&2; exit 0; }
awk 'NR % 55 == 1' "$out/all.txt" | head -20 > "$out/twenty.txt"
i=0
while read -r f; do
  i=$((i + 1))
  # Same ballots; the names (the lines after the ballots' closing 0) become
  # plain quoted "Candidate N", which both programs read alike (droop reads
  # neither bare names nor the CSV-style doubled quotes some files use).
  awk 'NR == 1 { nc = $1 }
       z == 0 { print; if (NR > 1 && $0 ~ /^[ \t]*0[ \t]*$/) z = 1; next }
       { k++; if (k <= nc) print "\"Candidate " k "\""; else if (k == nc + 1) print "\"Election\"" }' \
    "$f" > "$out/q/$i.blt"
done < "$out/twenty.txt"
t0=$(now)
"$canvass" tabulate --blt "$out/q" --rule scotland --output "$out/c/q" > /dev/null
t1=$(now)
for f in "$out"/q/*.blt; do
  python3 "$DROOP_DIR/Droop.py" scotland "$f" > "$out/d/$(basename "$f" .blt).txt"
done
t2=$(now)
for f in "$out"/q/*.blt; do
  "$canvass" tabulate --blt "$f" --rule scotland --output "$out/c/p-$(basename "$f" .blt)" > /dev/null
done
t3=$(now)
c=$(secs "$t0" "$t1"); d=$(secs "$t1" "$t2"); p=$(secs "$t2" "$t3")
ratio() { echo "$1 $2" | awk '{ if ($1 > 0) printf "%.0f", $2 / $1; else print "inf" }'; }
echo "20 elections: canvass (one run) $c s, droop (one run each) $d s: droop/canvass $(ratio "$c" "$d")x"
echo "20 elections: canvass started once per election as droop is: $p s: droop/canvass $(ratio "$p" "$d")x"
# The same winners, in the same order? droop prints "Action: Elect...: NAME".
same=0
for f in "$out"/q/*.blt; do
  b=$(basename "$f" .blt)
  grep '^Action: Elect' "$out/d/$b.txt" | sed 's/^Action: Elect[^:]*: //' > "$out/d/$b.elected"
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["elected"]))' \
    "$out/c/q/$b/report.json" > "$out/c/$b.elected"
  if cmp -s "$out/d/$b.elected" "$out/c/$b.elected"; then same=$((same + 1)); else echo "winners differ: $b"; fi
done
echo "same winners in the same order: $same of 20"
