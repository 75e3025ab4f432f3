#!/bin/sh
# STV figures of the ranked-contests issue, on this machine:
#   1. canvass tabulate --blt --rule scotland over all 1,100 Scottish council
#      elections in ../shared/testdata/scotland (total wall time);
#   2. side by side with droop (Python) on 20 of them, in the same run: the
#      same elections, the same rule, each program started once per election.
# droop is not part of canvass: fetch its public source yourself and give its
# folder as DROOP_DIR (for example: git clone https://github.com/jklundell/droop).
# droop reads only quoted candidate names, so the 20 files are rewritten with
# quotes into a scratch folder first (same ballots, same names).
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

# 1. All elections, one canvass process each.
t0=$(now)
i=0
while read -r f; do
  i=$((i + 1))
  "$canvass" tabulate --blt "$f" --rule scotland --output "$out/c/$i" > /dev/null
done < "$out/all.txt"
t1=$(now)
echo "canvass, all $n_all elections (scotland rule): $(secs "$t0" "$t1") s"

# 2. Twenty elections (every 55th file), canvass and droop side by side.
[ -n "${DROOP_DIR:-}" ] || { echo "set DROOP_DIR to compare with droop" >&2; exit 0; }
awk 'NR % 55 == 1' "$out/all.txt" | head -20 > "$out/twenty.txt"
i=0
while read -r f; do
  i=$((i + 1))
  # Quote the names (the lines after the ballots' closing 0) for droop.
  awk 'z == 0 { print; if (NR > 1 && $0 ~ /^[ \t]*0[ \t]*$/) z = 1; next }
       /^"/ { print; next } { print "\"" $0 "\"" }' "$f" > "$out/q/$i.blt"
done < "$out/twenty.txt"
t0=$(now)
for f in "$out"/q/*.blt; do
  "$canvass" tabulate --blt "$f" --rule scotland --output "$out/c/q-$(basename "$f" .blt)" > /dev/null
done
t1=$(now)
for f in "$out"/q/*.blt; do
  python3 "$DROOP_DIR/Droop.py" scotland "$f" > "$out/d/$(basename "$f" .blt).txt"
done
t2=$(now)
c=$(secs "$t0" "$t1"); d=$(secs "$t1" "$t2")
echo "20 elections: canvass $c s, droop $d s, ratio $(echo "$c $d" | awk '{ if ($1 > 0) printf "%.0f", $2 / $1; else print "inf" }')x"
