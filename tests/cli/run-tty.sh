#!/bin/sh
# canvass enter without flags on a real terminal (a pseudo-terminal made by
# script(1)) asks for each field in the order of the paper sheet and records
# the sheet; without a terminal and without --prompt it asks nothing.
set -u
canvass="$1"; data="$2"; out="$3"
rm -rf "$out"; mkdir -p "$out"; cd "$out" || exit 1
cp "$data"/good/* .
export CANVASS_NOW=2026-11-03T20:00:00Z CANVASS_ACTOR=tty
"$canvass" init tv.canvass --definition definition.json > /dev/null || exit 1
"$canvass" import manifest manifest.csv > /dev/null || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
answers='p3-a\nA\nAnn Ames; Al Ortiz\nA-7\n60\n0\n0\n30\n30\n0\n0\n0\n60\n0\n0\n31\n29\n0\n0\n'
printf "$answers" | script -qec "'$canvass' enter" /dev/null > tty.txt 2>&1
check "prompted entry exits 0" '[ $? -eq 0 ]'
check "asks in paper order" 'tr -d "\r" < tty.txt | grep -q "batch: team: team members (A; B): paper sheet number: Mayor - ballots counted: "'
check "records the sheet" 'grep -q "recorded sheet 6" tty.txt'
check "prints the batch status" 'grep -q "batch p3-a, mayor: waiting for another team" tty.txt'
# An answer longer than a line holds is refused, never split into the next
# field's answer; nothing is recorded.
long=$(head -c 1500 /dev/zero | tr '\0' 7)
before=$("$canvass" status | grep -o "([0-9,]* events)")
printf "p1-a\nB\nBo Berg\nB-1\n$long\n1\n1\n" | script -qec "'$canvass' enter" /dev/null > long.txt 2>&1
check "over-long answer refused" '[ $? -ne 0 ] && grep -q "longer than" long.txt'
check "over-long answer records nothing" '[ "$("$canvass" status | grep -o "([0-9,]* events)")" = "$before" ]'
"$canvass" enter < /dev/null > notty.txt 2>&1
check "no terminal, no flags: refuses" '[ $? -eq 65 ] && grep -q "batch: missing" notty.txt'
echo "tty: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
