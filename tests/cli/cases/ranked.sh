# Keying a ranked contest ballot by ballot: two typists who read one ballot
# differently (shown side by side), a third keying that settles it, the
# canonical form (spaces, the order of overvoted marks), and the public
# record replaying the keyings.
cp "$DATA"/good/* .
. "$LIB"
run init tv.canvass --definition definition.json
run import manifest manifest.csv
run enter --batch p3-a --team A --member "Ann Ames" --contest rcv \
  --ballot "fay>gus" --ballot "gus" --ballot "" --ballot "gus=fay" --ballot ">gus"
cat > keyed-b.csv <<'CSV'
Sheet,Batch,Team,Members,Contest,Ranking
K-2,p3-a,B,Bo Berg,rcv,fay > gus
K-2,p3-a,B,Bo Berg,rcv,gus>fay
K-2,p3-a,B,Bo Berg,rcv,
K-2,p3-a,B,Bo Berg,rcv,fay=gus
K-2,p3-a,B,Bo Berg,rcv,>gus
CSV
run import sheets keyed-b.csv
run status
cat > keyed-c.json <<'JSON'
{"batch": "p3-a", "team": "C", "members": ["Cy Cole"],
 "contests": [{"contest": "rcv", "rankings": ["fay>gus", "gus", "", "fay=gus", ">gus"]}]}
JSON
run enter --file keyed-c.json
run enter --batch p3-a --team D --member "Di Dunn" --contest rcv --ballot "fay>gus>fay"
run enter --batch p3-a --team D --member "Di Dunn" --contest rcv --ballots 5
run results --contest rcv --by batch
run export --public public
run verify public
