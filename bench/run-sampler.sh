#!/bin/sh
# The audit sampler figure (BENCHMARKS.md, "Audit samplers"): Rivest's
# consistent sampler over a 1,000,000-ballot manifest (1,000 batches of
# 1,000 ballots, ids in Arlo's production rendering), take 1,000 with
# replacement, 18 ticket digits, as Arlo draws a ballot-polling sample.
#
# canvass and the reference Python implementation run side by side in the
# same run on the same ids file; both outputs are compared, draw for draw.
# Each timing is the whole process (reading the ids included): the best wall
# time of the runs, and the best CPU time (user + system, all threads), which
# suffers less when other work shares the machine.
#
#   CONSISTENT_SAMPLER_DIR  a checkout of the reference (Arlo's pinned fork),
#                           the folder holding consistent_sampler/. Get it with
#                             git clone https://github.com/votingworks/consistent_sampler
#                           It is run with python3 from its source, never
#                           installed or committed here. Without it only
#                           canvass is timed.
#   CANVASS                 the binary (default build/default/canvass)
#   RUNS                    timed runs of canvass (default 10)
#   REF_RUNS                timed runs of the reference (default 3)
#   WORK                    scratch folder (default a new temporary one)
#
# Usage: CONSISTENT_SAMPLER_DIR=/path/to/consistent_sampler sh bench/run-sampler.sh
set -eu
canvass="${CANVASS:-build/default/canvass}"
runs="${RUNS:-10}"
ref_runs="${REF_RUNS:-3}"
ref="${CONSISTENT_SAMPLER_DIR:-}"
work="${WORK:-$(mktemp -d)}"
seed=81726354091827364510
take=1000

[ -x "$canvass" ] || { echo "run-sampler: no canvass binary at $canvass (set CANVASS)" >&2; exit 66; }
mkdir -p "$work"
ids="$work/ids-1m.txt"
awk 'BEGIN { for (b = 1; b <= 1000; b++) for (p = 1; p <= 1000; p++)
  printf "((\047County A\047, None, \047Batch %d\047), %d)\n", b, p }' > "$ids"

# Best wall and CPU times of N runs of "$@" (stdout to OUT), in seconds:
# prints "WALL CPU".
best() {
  n="$1"; out="$2"; shift 2
  python3 - "$n" "$out" "$@" <<'EOF'
import os, subprocess, sys, time
runs, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
wall = cpu = None
for _ in range(runs):
    with open(out, "wb") as f:
        c0 = os.times()
        t = time.perf_counter()
        subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=True)
        t = time.perf_counter() - t
        c1 = os.times()
    c = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    wall = t if wall is None or t < wall else wall
    cpu = c if cpu is None or c < cpu else cpu
print("%.3f %.3f" % (wall, cpu))
EOF
}

set -- $(best "$runs" "$work/canvass.json" "$canvass" sample --method consistent --seed "$seed" \
  --ids "$ids" --take "$take" --digits 18 --format json)
c_time=$1 c_cpu=$2
echo "canvass sample:          $c_time s wall, $c_cpu s CPU  (best of $runs)"

if [ -z "$ref" ]; then
  echo "reference: not run (set CONSISTENT_SAMPLER_DIR; see the top of this script)"
  exit 0
fi
[ -f "$ref/consistent_sampler/consistent_sampler.py" ] ||
  { echo "run-sampler: no consistent_sampler/consistent_sampler.py under $ref" >&2; exit 66; }
cat > "$work/ref.py" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1])
from consistent_sampler.consistent_sampler import sampler
with open(sys.argv[2], encoding="utf-8") as f:
    ids = [line.rstrip("\n") for line in f]
draws = sampler(ids, seed=sys.argv[3], take=int(sys.argv[4]), with_replacement=True,
                output="tuple", digits=18)
json.dump([list(t) for t in draws], sys.stdout)
EOF
set -- $(best "$ref_runs" "$work/ref.json" python3 "$work/ref.py" "$ref" "$ids" "$seed" "$take")
r_time=$1 r_cpu=$2
echo "reference (python3):     $r_time s wall, $r_cpu s CPU  (best of $ref_runs)"

python3 - "$work/canvass.json" "$work/ref.json" <<'EOF'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
if a != b:
    sys.exit("run-sampler: the outputs DIFFER")
print("outputs identical:       %d draws" % len(a))
EOF
python3 -c "import sys; a = [float(x) for x in sys.argv[1:]]
print('speed-up:                %.1fx wall, %.1fx CPU' % (a[2] / a[0], a[3] / max(a[1], 0.001)))" \
  "$c_time" "$c_cpu" "$r_time" "$r_cpu"
