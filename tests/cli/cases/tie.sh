# A tie for the seat is reported, blocks certification, and only a lot from a
# public seed settles it; the draw can be re-done with sha256sum.
. "$LIB"
cat > def.json <<'JSON'
{"canvass_definition": 1,
 "election": {"id": "tie", "name": "Tie Town", "date": "2026-11-03"},
 "units": [{"id": "t", "name": "Tie Town", "type": "jurisdiction"},
           {"id": "hall", "name": "Town Hall", "type": "polling_place", "parent": "t"}],
 "contests": [{"id": "clerk", "name": "Town Clerk", "type": "plurality", "votes_allowed": 1,
               "seats": 1, "district": "t",
               "choices": [{"id": "kim", "name": "Kim Kale"}, {"id": "lee", "name": "Lee Lark"},
                           {"id": "max", "name": "Max Moss"}]}],
 "ballot_styles": [{"id": "all", "contests": ["clerk"], "polling_places": ["hall"]}]}
JSON
printf 'Batch Name,Number of Ballots,Polling Place\nbox-1,21,hall\n' > manifest.csv
printf 'Polling Place,Received,Issued,Spoiled,Unused,Pollbook Signatures\nhall,30,21,0,9,21\n' > acc.csv
run init tie.canvass --definition def.json
run import manifest manifest.csv
run import accounting acc.csv
for team in A B; do
  run enter --batch box-1 --team $team --members "Member 1; Member 2" --contest clerk --ballots 21 \
    --blank 0 --invalid 0 --vote kim=10 --vote lee=10 --vote max=1 --undervotes 0 --overvotes 0
done
run results
run certify --all
run lot --contest clerk --seed 1234
run lot --contest clerk --seed 31415926535897932384
printf 'canvass-lot-v1:31415926535897932384:clerk:kim' | sha256sum
printf 'canvass-lot-v1:31415926535897932384:clerk:lee' | sha256sum
run lot --contest clerk --seed 27182818284590452353
run results
run certify --all
run export --public pub
run verify pub
# A certified count is final: no second lot, no new batch, no new accounting.
run lot --contest clerk --seed 27182818284590452353
printf 'Batch Name,Number of Ballots,Polling Place\nbox-2,5,hall\n' > manifest2.csv
run import manifest manifest2.csv
run accounting --polling-place hall --received 30 --issued 21 --spoiled 1 --unused 8 --pollbook-signatures 21
