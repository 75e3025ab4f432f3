# Ids with dots are entered by every route, and a write-in slot that would
# win blocks certification (E107): its names must be counted one by one.
. "$LIB"
cat > def.json <<'JSON'
{"canvass_definition": 1,
 "election": {"id": "wi", "name": "Write-in Town", "date": "2028-02-29"},
 "units": [{"id": "w", "name": "Write-in Town", "type": "jurisdiction"},
           {"id": "hall", "name": "Town Hall", "type": "polling_place", "parent": "w"}],
 "contests": [{"id": "dog.catcher", "name": "Dog Catcher", "type": "plurality", "votes_allowed": 1,
               "seats": 1, "district": "w",
               "choices": [{"id": "j.smith", "name": "J. Smith"},
                           {"id": "write.in", "name": "Write-in", "write_in": true}]}],
 "ballot_styles": [{"id": "all", "contests": ["dog.catcher"], "polling_places": ["hall"]}]}
JSON
printf 'Batch Name,Number of Ballots,Polling Place\nbox-1,10,hall\n' > manifest.csv
printf 'Batch,Team,Members,Contest,Ballots,Blank,Invalid,Undervotes,Overvotes,j.smith,write.in\nbox-1,B,Bo,dog.catcher,10,0,0,0,0,3,7\n' > sheets.csv
printf 'Polling Place,Received,Issued,Spoiled,Unused,Pollbook Signatures\nhall,10,10,0,0,10\n' > acc.csv
run init wi.canvass --definition def.json
run import manifest manifest.csv
run import accounting acc.csv
run enter --batch box-1 --team A --member Al --contest dog.catcher --ballots 10 --blank 0 --invalid 0 \
  --vote j.smith=3 --vote write.in=7 --undervotes 0 --overvotes 0
run import sheets sheets.csv
run results
run status
run certify --all
