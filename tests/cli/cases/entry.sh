# Entering sheets: prompts field by field, a JSON sheet, a re-keying that
# differs, an inconsistent sheet (E101), and a coordinator's resolution.
cp "$DATA"/good/* .
. "$LIB"
run init tv.canvass --definition definition.json
run import manifest manifest.csv
echo '$ canvass enter --prompt  (answers piped in)'
printf 'p3-a\nA\nAnn Ames; Al Ortiz\nA-7\n60\n0\n0\n30\n30\n0\n0\n0\n60\n0\n0\n31\n29\n0\n0\n' | "$CANVASS" enter --prompt
echo "[exit $?]"
cat > sheet.json <<'JSON'
{"batch": "p3-a", "team": "B", "members": ["Bo Berg"],
 "contests": [{"contest": "mayor", "ballots": 60, "blank": 0, "invalid": 0, "undervotes": 0,
               "overvotes": 0, "votes": {"ann": 30, "bob": 30, "wi": 0}},
              {"contest": "prop-1", "ballots": 60, "blank": 0, "invalid": 0, "undervotes": 0,
               "overvotes": 0, "votes": {"yes": 31, "no": 29}}]}
JSON
run enter --file sheet.json
run enter --batch p3-a --team A --member "Ty Typist" --kind rekey --rekey-of 6 --contest mayor \
  --ballots 60 --blank 0 --invalid 0 --vote ann=29 --vote bob=31 --vote wi=0 --undervotes 0 --overvotes 0
run enter --batch p1-b --team A --member "Ann Ames" --contest mayor --ballots 50 --blank 0 --invalid 0 \
  --vote ann=25 --vote bob=24 --vote wi=0 --undervotes 0 --overvotes 0
run enter --batch p1-b --team B --member "Bo Berg" --contest mayor --ballots 50 --blank 0 --invalid 0 \
  --vote ann=26 --vote bob=24 --vote wi=0 --undervotes 0 --overvotes 0
run enter --batch p1-b --team A --member "Ann Ames" --contest mayor --ballots 50 --blank 0 --invalid 0 \
  --vote ann=25 --vote bob=24 --vote wi=0 --undervotes 0
run status
run resolve --batch p1-b --contest mayor --sheet 10 --reason "Recounted in public by the coordinator: 26-24"
run resolve --batch p3-a --contest mayor --sheet 6 --reason "already agreed"
run ack W207/sheet-8/mayor --reason "Typist error; the paper sheet reads 30-30"
run results --by batch --contest mayor
# A re-keying covers only what the paper sheet counted (sheet 13: mayor and prop-1).
run enter --batch p1-a --team A --member "Ann Ames" --contest mayor --ballots 100 --blank 1 --invalid 1 \
  --vote ann=50 --vote bob=45 --vote wi=1 --undervotes 2 --overvotes 0 --contest prop-1 --ballots=100 \
  --blank=1 --invalid=1 --vote=yes=55 --vote=no=39 --undervotes=3 --overvotes=1
run enter --batch p1-a --team A --member "Ty Typist" --kind rekey --rekey-of 13 --contest council \
  --ballots 100 --blank 1 --invalid 1 --vote cy=60 --vote di=70 --vote ed=54 --undervotes 10 --overvotes 2
