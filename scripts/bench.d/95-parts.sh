# Split runs: `proxima access --part K/N` (8 categories x 2 modes, 30 min) on
# a synthetic region (`proxima synth --seed 1`) in a PostGIS project, with
# N = 1, 2 and 4 processes at once on the 2-core machine (xargs -P N), against
# the peer: the whole run (no --part) on the same project, same moment.
# Whole wall time of the N processes (the last part writes the region's
# tables), peak RSS of the largest process, and the buffer overhead: network
# edges read by all the parts over the network's edges (1.00 = nothing read
# twice), origins read likewise. The merged tables are checked against the
# whole run's (access_communes exported as CSV, byte for byte).
#   PX_BENCH_PARTS_SIZES="1000000 10000000" scripts/bench parts   (default: 1000000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${PROXIMA:?}" "${BENCH_WORK:?}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
"$PROXIMA" access --help | grep -q -- '--part' || { echo "parts: this build has no access --part"; exit 0; }
W="$BENCH_WORK/parts"
mkdir -p "$W"
pgdir="$W/pg"
"$SRC/tests/pg/stop.sh" "$pgdir" 2>/dev/null || true
ci=$("$SRC/tests/pg/start.sh" "$pgdir") || { echo "parts: no PostgreSQL 15 + PostGIS (scripts/setup installs them)"; exit 0; }
trap '"$SRC/tests/pg/stop.sh" "$pgdir"' EXIT
SIZES=${PX_BENCH_PARTS_SIZES:-1000000}
export PROXIMA

# All N parts at once; prints the summed part_* counters of their outputs.
run_parts() { # project, N
  local p=$1 n=$2
  seq 1 "$n" | xargs -P "$n" -I{} sh -c '"$PROXIMA" -q access "$1" --max-minutes 30 --part "$2"/"$3" > "$4/part-$2-of-$3.out"' \
    _ "$p" {} "$n" "$W"
}
export -f run_parts
export W

echo "| nodes | run | processes | wall s | peak MiB (largest process) | wall / whole | edges read / network edges | origins read / origins | access_communes |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in $SIZES; do
  pg="PG:$ci schemas=p$size"
  "$PROXIMA" -q synth "$pg" --nodes "$size" --seed 1 >/dev/null
  "$PROXIMA" -q network "$pg" >/dev/null
  runs=3; [ "$size" -lt 1000000 ] || runs=1
  read -r ws wk < <(bench_median $runs "$PROXIMA" -q access "$pg" --max-minutes 30)
  "$PROXIMA" -q export "$pg" access_communes -o "$W/whole-$size.csv"
  awk -v n="$size" -v s="$ws" -v k="$wk" 'BEGIN { printf "| %d | whole | 1 | %.2f | %.0f | 1.00 | 1.00 | 1.00 | |\n", n, s, k / 1024 }'
  for n in 1 2 4; do
    rm -f "$W"/part-*-of-"$n".out
    read -r ps pk < <(bench_median $runs bash -c 'run_parts "$1" "$2"' _ "$pg" "$n")
    "$PROXIMA" -q export "$pg" access_communes -o "$W/parts-$size-$n.csv"
    same=$(cmp -s "$W/whole-$size.csv" "$W/parts-$size-$n.csv" && echo "= whole" || echo "DIFFERS")
    # Sum the counters of the last (timed) run's parts.
    read -r er ne or no < <(cat "$W"/part-*-of-"$n".out | awk '
      $1 == "part_edges_read" { er += $2 } $1 == "network_edges" { ne = $2 }
      $1 == "part_origins_read" { or += $2 } $1 == "origins" { no += $2 } $1 == "part_origins_in_part" { oi += $2 }
      END { print er, ne, or, (oi > 0 ? oi : no) }')
    awk -v sz="$size" -v n="$n" -v s="$ps" -v k="$pk" -v w="$ws" -v er="$er" -v ne="$ne" -v or="$or" -v no="$no" -v same="$same" 'BEGIN {
      printf "| %d | --part K/%d | %d | %.2f | %.0f | %.2f | %.2f | %.2f | %s |\n",
        sz, n, n, s, k / 1024, s / w, (ne > 0 ? er / ne : 0), (no > 0 ? or / no : 0), same }'
  done
done
