# France-scale run: a 10M-node synthetic region (`proxima synth --seed 1`,
# 8 categories, a population point per node: about the road graph of France
# in nodes), `proxima network`, then `proxima access` for 8 categories x 2
# modes (30 min), with and without the per-origin table. Whole-process wall
# time and peak RSS by GNU time. Target: access under 60 s and 8 GiB on the
# 2-core machine. The peer is the same run at 1M nodes (scripts/bench
# access makes it; here again, same build, same moment): the 10M / 1M ratio
# says how the run grows for 10x the nodes (N log N would be about 11.7x).
# synth and network run once (minutes each; kept in bench/work and reused
# when present); access once after a warm-up (the timed run replaces the
# warm-up's tables, as a re-run does). Runs under `nice`: the machine is shared.
#   PX_BENCH_SCALE_NODES=10000000 scripts/bench scale
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${PROXIMA:?}" "${BENCH_WORK:?}"
BIG=${PX_BENCH_SCALE_NODES:-10000000}
W="$BENCH_WORK/scale"
mkdir -p "$W"
echo "| nodes | synth s (peak MiB) | network s (peak MiB) | access s | peak MiB | access --no-origins-table s | peak MiB |"
echo "|---|---|---|---|---|---|---|"
declare -A acc
for n in 1000000 "$BIG"; do
  p="$W/scale-$n.sqlite"
  if [ ! -e "$W/network-$n.time" ]; then
    rm -f "$p"
    nice /usr/bin/time -f "%e %M" -o "$W/synth-$n.time" "$PROXIMA" -q synth "$p" --nodes "$n" --seed 1 >/dev/null
    nice /usr/bin/time -f "%e %M" -o "$W/network-$n.time" "$PROXIMA" -q network "$p" >/dev/null
  fi
  read -r a ak < <(bench_median 1 nice "$PROXIMA" -q access "$p" --max-minutes 30)
  read -r b bk < <(bench_median 1 nice "$PROXIMA" -q access "$p" --max-minutes 30 --no-origins-table)
  read -r sy syk < "$W/synth-$n.time"
  read -r nw nwk < "$W/network-$n.time"
  acc[$n]="$a $b"
  awk -v n="$n" -v sy="$sy" -v syk="$syk" -v nw="$nw" -v nwk="$nwk" -v a="$a" -v ak="$ak" -v b="$b" -v bk="$bk" 'BEGIN {
    printf "| %d | %.0f (%.0f) | %.0f (%.0f) | %.1f | %.0f | %.1f | %.0f |\n", n, sy, syk / 1024, nw, nwk / 1024, a, ak / 1024, b, bk / 1024 }'
done
read -r a1 b1 <<<"${acc[1000000]}"
read -r a2 b2 <<<"${acc[$BIG]}"
awk -v a1="$a1" -v b1="$b1" -v a2="$a2" -v b2="$b2" 'BEGIN {
  printf "access %s / 1M: %.1fx (with the per-origin table), %.1fx (without)\n", "'"$BIG"'", a2 / a1, b2 / b1 }'
