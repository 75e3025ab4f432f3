#!/bin/sh
# Every malformed input gets its specific message and exit code, and leaves
# the store byte for byte as it was (or, for init, creates nothing).
#
# Each case is tests/data/bad/<kind>/<name>.<ext> with <name>.expect beside it:
#   line 1: the exit code
#   line 2: text the error message must contain (e.g. file:line:column: ...)
# kinds: definition (canvass init), manifest, sheets, accounting (canvass import),
# blt (canvass tabulate --blt) and rctab (canvass tabulate --rctab-config; CVR
# files without a .expect beside them are shared by the cases): for these two
# the output folder must hold nothing afterwards.
set -u
canvass="$1"; cases="$2"; out="$3"
good="$(dirname "$cases")/good"
rm -rf "$out"; mkdir -p "$out"
export CANVASS_NOW=2026-11-03T20:00:00Z CANVASS_ACTOR=test
"$canvass" init "$out/base.canvass" --definition "$good/definition.json" > /dev/null || exit 1
"$canvass" import manifest "$good/manifest.csv" --store "$out/base.canvass" > /dev/null || exit 1
pass=0; fail=0
for expect in "$cases"/*/*.expect; do
  kind=$(basename "$(dirname "$expect")")
  name=$(basename "$expect" .expect)
  input=$(ls "$(dirname "$expect")/$name".* | grep -v '\.expect$' | head -n 1)
  want_rc=$(sed -n 1p "$expect")
  want_msg=$(sed -n 2p "$expect")
  store="$out/$kind-$name.canvass"
  if [ "$kind" = blt ] || [ "$kind" = rctab ]; then
    dir="$out/$kind-$name.out"
    if [ "$kind" = blt ]; then
      "$canvass" tabulate --blt "$input" --rule scotland --output "$dir" > /dev/null 2> "$out/err"
    else
      "$canvass" tabulate --rctab-config "$input" --output "$dir" > /dev/null 2> "$out/err"
    fi
    rc=$?
    unchanged=1; [ -n "$(ls -A "$dir" 2>/dev/null)" ] && unchanged=0
  elif [ "$kind" = definition ]; then
    "$canvass" init "$store" --definition "$input" > /dev/null 2> "$out/err"
    rc=$?
    unchanged=1; [ -e "$store" ] && unchanged=0
  else
    cp "$out/base.canvass" "$store"
    "$canvass" import "$kind" "$input" --store "$store" > /dev/null 2> "$out/err"
    rc=$?
    unchanged=0; cmp -s "$out/base.canvass" "$store" && unchanged=1
  fi
  if [ "$rc" != "$want_rc" ]; then
    echo "FAIL $kind/$name: exit $rc, expected $want_rc: $(cat "$out/err")"; fail=$((fail+1))
  elif ! grep -qF -- "$want_msg" "$out/err"; then
    echo "FAIL $kind/$name: message \"$(cat "$out/err")\" lacks \"$want_msg\""; fail=$((fail+1))
  elif [ "$unchanged" != 1 ]; then
    echo "FAIL $kind/$name: the store changed (or output was written)"; fail=$((fail+1))
  else
    pass=$((pass+1))
  fi
done
echo "bad-input: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 40 ]
