# The whole workflow on the Testville data: two teams, a dispute settled by a
# third count entered with flags, accounting with a warning, certification.
cp "$DATA"/good/* .
. "$LIB"
run init tv.canvass --definition definition.json
run import manifest manifest.csv
run import sheets sheets-a.csv
run certify --all
run import sheets sheets-b.csv
run status
run enter --batch p2-a --team C --member "Cy Cole" --member "Cat Diaz" --contest mayor \
  --ballots 80 --blank 0 --invalid 0 --vote ann=30 --vote bob=50 --vote wi=0 --undervotes 0 --overvotes 0
run import accounting accounting.csv
run status --format csv
run ack W203/p3 --reason "Pollbook shows a voter signed twice; confirmed by the clerk"
run certify --all
run results
run results --format csv --contest prop-1
run results --format json --contest mayor --by polling-place
run results --by batch --contest council
run enter --batch p1-a --team D --member "Dee" --contest mayor --ballots 1 --blank 0 --invalid 0 \
  --vote ann=1 --vote bob=0 --vote wi=0 --undervotes 0 --overvotes 0
run export --public pub
run verify pub
