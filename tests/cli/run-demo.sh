#!/bin/sh
# The demo runs end to end, its public record verifies, and tampering with
# the record is caught and named.
set -u
canvass="$1"; out="$2"
rm -rf "$out"; mkdir -p "$out"
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

"$canvass" demo --dir "$out/demo" > "$out/demo.log" 2>&1
check "demo exits 0" '[ $? -eq 0 ]'
check "demo verifies its record" 'grep -q "^verified: " "$out/demo.log"'
check "demo shows the dispute" 'grep -q "E105" "$out/demo.log"'
check "store left to explore" '[ -f "$out/demo/example-county.canvass" ]'
(cd "$out/demo" && "$canvass" status > "$out/status.txt" 2>&1)
check "status on the demo store" '[ $? -eq 0 ] && grep -q "Journal head: " "$out/status.txt"'
"$canvass" verify "$out/demo/public" > /dev/null 2>&1
check "verify of the untouched record" '[ $? -eq 0 ]'

# Change one vote in results.txt: verify names the file.
cp -r "$out/demo/public" "$out/t1"
sed -i '0,/ELECTED/s/ELECTED/ELECTEd/' "$out/t1/results.txt"
"$canvass" verify "$out/t1" > /dev/null 2> "$out/t1.err"
check "tampered results: exit 1" '[ $? -eq 1 ]'
check "tampered results: named" 'grep -q "results.txt" "$out/t1.err"'

# Change one count inside the journal: verify names the event.
cp -r "$out/demo/public" "$out/t2"
sed -i '40s/"ballots":\([0-9]*\)/"ballots":9\1/' "$out/t2/journal.jsonl"
"$canvass" verify "$out/t2" > /dev/null 2> "$out/t2.err"
check "tampered journal: exit 1" '[ $? -eq 1 ]'
check "tampered journal: names the file" 'grep -q "journal.jsonl" "$out/t2.err"'

# Recompute the manifest too: the chain still breaks at the next event.
cp -r "$out/t2" "$out/t3"
(cd "$out/t3" && grep -v journal.jsonl MANIFEST.sha256 > m && sha256sum journal.jsonl >> m && sort -k2 m > MANIFEST.sha256 && rm m)
"$canvass" verify "$out/t3" > /dev/null 2> "$out/t3.err"
check "re-hashed journal: exit 1" '[ $? -eq 1 ]'
check "re-hashed journal: names event 41" 'grep -q "event 41" "$out/t3.err"'

# Change results.txt and re-hash it in the manifest: the recomputation from
# the journal still differs, and verify names the line and column.
cp -r "$out/demo/public" "$out/t5"
sed -i '0,/ELECTED/s/ELECTED/ELECTEd/' "$out/t5/results.txt"
(cd "$out/t5" && grep -v ' results.txt$' MANIFEST.sha256 > m && sha256sum results.txt >> m && sort -k2 m > MANIFEST.sha256 && rm m)
"$canvass" verify "$out/t5" > /dev/null 2> "$out/t5.err"
check "re-hashed results: exit 1" '[ $? -eq 1 ]'
check "re-hashed results: names line and column" 'grep -q "results.txt:[0-9]*:[0-9]*: differs from what the journal gives" "$out/t5.err"'

# An extra file is refused.
cp -r "$out/demo/public" "$out/t4"; echo x > "$out/t4/extra.txt"
"$canvass" verify "$out/t4" > /dev/null 2> "$out/t4.err"
check "extra file refused" '[ $? -eq 1 ] && grep -q "extra.txt" "$out/t4.err"'

echo "demo: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
