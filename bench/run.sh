#!/bin/sh
# Runs the measured paths of the foundation issue on this machine and prints
# one line per measurement: wall seconds and peak resident memory.
#   import   canvass import sheets (one durable transaction) of the rows
#   rebuild  replaying the whole journal from the store (cv_election_open)
#   verify   canvass verify of the exported public bundle
# Three shapes: "realistic" (5 contests per sheet: 1,000,000 rows are
# 200,000 sheets); "one million events" (1 contest per sheet, sized so the
# journal holds exactly 1,000,000 events); and "worst case" (1 contest per
# sheet: 1,000,000 rows are 1,000,000 sheets, 1.5 million events in all).
# Usage: bench/run.sh [OUT_DIR]   (needs about 3 GB of disk)
set -eu
top="$(cd "$(dirname "$0")/.." && pwd)"
canvass="$top/build/default/canvass"
replay="$top/build/default/bench_replay"
out="${1:-$top/bench/out}"
[ -x "$canvass" ] && [ -x "$replay" ] || { echo "build first: make build" >&2; exit 1; }
measure() { # label command...
  label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/cmd.log" 2>&1 || { cat "$out/cmd.log"; exit 1; }
  read -r secs kb < "$out/time.txt"
  printf '%-44s %7.2f s  %6d MB peak\n' "$label" "$secs" $((kb / 1024))
}
shape() { # name batches contests
  d="$out/$1"; rm -rf "$d"; mkdir -p "$d"
  "$top/bench/gen-count.sh" "$d" "$2" "$3" 500
  rows=$(($(wc -l < "$d/sheets.csv") - 1))
  "$canvass" init "$d/b.canvass" --definition "$d/definition.json" > /dev/null
  "$canvass" import manifest "$d/manifest.csv" --store "$d/b.canvass" > /dev/null
  echo "== $1: $2 batches x $3 contests, $rows sheet rows"
  measure "import $rows rows (durable, one transaction)" "$canvass" import sheets "$d/sheets.csv" --store "$d/b.canvass"
  events=$("$replay" "$d/b.canvass")
  measure "rebuild state from $events events" "$replay" "$d/b.canvass"
  "$canvass" export --public "$d/public" --store "$d/b.canvass" > /dev/null
  measure "verify public bundle of $events events" "$canvass" verify "$d/public"
  rm -rf "$d"
}
mkdir -p "$out"
echo "canvass $("$canvass" --version | cut -d' ' -f2), $(date -u +%Y-%m-%d), $(nproc) cores"
shape realistic 100000 5
shape one-million-events 333333 1
shape worst-case 500000 1
