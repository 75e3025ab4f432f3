# A club's Condorcet contests counted by hand: two teams key every ballot,
# the pairwise matrix adds up over the batches, one contest has a Condorcet
# winner (Ranked Pairs), the other a three-way cycle that the Schulze method
# cannot separate until a lot decides; then certification and the public
# record.
cp "$DATA"/condorcet/* .
. "$LIB"
run init club.canvass --definition definition.json
run import manifest manifest.csv
run import sheets keyed-a.csv
run import sheets keyed-b.csv
run results --by batch
run results --format csv --contest secretary
run status
run certify --all
run lot --contest captain --seed 12345678901234567890
run results --contest captain --format json
run ack W208/hall --reason "Club election: no pollbook"
run certify --all
run export --public public
run verify public
