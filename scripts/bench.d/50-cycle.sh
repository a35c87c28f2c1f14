#!/usr/bin/env bash
# Cycle network: time of the coverage + connectivity score and of the
# missing-link ranking (top 20) on the 100k- and 1M-node synthetic regions,
# and the same per-destination work (two bounded searches and the detour
# test) done by networkx as the peer, on a sample of destinations.
#
# `proxima synth` writes only residential streets, cycleways and footways,
# which are all LTS 1 or not bikeable: nothing to rank. So that the ranking
# has work, this script turns every 6th residential street into an untagged
# tertiary road (50 km/h, LTS 3) with sqlite3 before building the network.
# Wall times depend on the machine's load; CPU times (all threads) are
# printed beside them.
#   scripts/bench cycle            (BENCH_SIZES="100000" to skip the 1M region)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
sizes=${BENCH_SIZES:-"100000 1000000"}
python3 -c "import networkx" 2>/dev/null || { echo "cycle bench: python3-networkx missing (apt-get install python3-networkx)"; exit 1; }

for n in $sizes; do
  proj="$BENCH_WORK/cycle-$n.sqlite"
  if [ ! -f "$proj" ]; then
    "$PROXIMA" -q synth "$proj" --nodes "$n" --seed 1
    sqlite3 "$proj" "UPDATE roads SET highway = 'tertiary' WHERE highway = 'residential' AND fid % 6 = 0"
    "$PROXIMA" -q network "$proj" > /dev/null
  fi
  runs=3; [ "$n" -ge 1000000 ] && runs=1
  read -r wall kib < <(bench_median "$runs" "$PROXIMA" -q cycle "$proj" --top 20)
  "$PROXIMA" cycle "$proj" --top 20 > "$BENCH_WORK/cycle-$n.out" 2> "$BENCH_WORK/cycle-$n.err"
  # "cycle: connectivity 2.86 s (CPU 0.93 s), missing links 0.73 s (CPU 0.28 s)"
  read -r cw cc lw lc < <(sed -n 's/^cycle: connectivity \([0-9.]*\) s (CPU \([0-9.]*\) s), missing links \([0-9.]*\) s (CPU \([0-9.]*\) s)$/\1 \2 \3 \4/p' "$BENCH_WORK/cycle-$n.err")
  nd=$(sed -n 's/^destinations \([0-9]*\) in.*/\1/p' "$BENCH_WORK/cycle-$n.out")
  sample=100; [ "$n" -ge 1000000 ] && sample=40
  read -r ps pt pper < <(python3 "$here/cycle_peer.py" "$proj" "$sample")
  awk -v n="$n" -v wall="$wall" -v kib="$kib" -v cw="$cw" -v cc="$cc" -v lw="$lw" -v lc="$lc" -v nd="$nd" \
      -v ps="$ps" -v pper="$pper" 'BEGIN {
    ours = cc / nd
    printf "cycle %d nodes: whole command %.1f s, peak %.0f MiB\n", n, wall, kib / 1024
    printf "  coverage + connectivity %.2f s wall, %.2f s CPU (%d destinations, 2 threads)\n", cw, cc, nd
    printf "  missing links (top 20) %.2f s wall, %.2f s CPU\n", lw, lc
    printf "  per destination: proxima %.3f ms CPU, networkx %.3f ms (sample %d): ratio %.0fx\n",
           1000 * ours, 1000 * pper, ps, pper / ours
  }'
done
