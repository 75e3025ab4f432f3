#!/bin/sh
# CLI golden tests: each tests/cli/cases/NAME.sh runs in a fresh folder with
# a fixed clock and actor; its stdout, stderr and exit codes must equal
# NAME.out. Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
set -u
canvass="$1"; cases="$2"; out="$3"
data="$(cd "$cases/../../data" && pwd)"
rm -rf "$out"; mkdir -p "$out"
pass=0; fail=0
for script in "$cases"/*.sh; do
  name=$(basename "$script" .sh)
  work="$out/$name"; mkdir -p "$work"
  (cd "$work" && CANVASS="$canvass" DATA="$data" LIB="$(cd "$cases/.." && pwd)/lib.sh" CANVASS_NOW=2026-11-03T20:00:00Z \
     CANVASS_ACTOR=clerk CANVASS_STORE= sh "$script") > "$out/$name.actual" 2>&1
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$out/$name.actual" "$cases/$name.out"; fi
  if cmp -s "$out/$name.actual" "$cases/$name.out"; then
    pass=$((pass+1))
  else
    echo "FAIL $name:"; diff -u "$cases/$name.out" "$out/$name.actual" | head -40; fail=$((fail+1))
  fi
done
echo "cli-golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
