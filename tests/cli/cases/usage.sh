# Help, usage errors and exit codes.
cp "$DATA"/good/* .
run() { echo "\$ canvass $*"; "$CANVASS" "$@" > out.txt 2>&1; rc=$?; head -n 3 out.txt; echo "[exit $rc]"; }
run
run --version
run frobnicate
run init
run status
run init tv.canvass --definition definition.json
run init tv.canvass --definition definition.json
run status --format xml
run lot --contest mayor --seed 12345678901234567890
run certify --contest mayor
run resolve --batch nope --sheet 1 --reason x
run ack W999/x --reason x
run export --public pub
run verify nowhere
for c in init import enter accounting status resolve ack results lot certify export verify demo; do
  "$CANVASS" $c --help > /dev/null || echo "$c --help failed"
done
echo "every command has --help"
