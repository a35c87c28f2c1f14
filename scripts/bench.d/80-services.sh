# Service siting benchmark: `proxima site-services` choosing K = 10 health
# sites (walk, 15 min, coverage objective) from a grid of about 10,000
# candidates on the synthetic regions, against a brute-force evaluation peer
# in the same script: the same command with --no-lazy (every candidate's gain
# recomputed every round: K x 10,000 evaluations) and --no-swap; the greedy
# objective values of both are compared (they must be equal). Also the
# what-if `proxima services` of one added and one closed service.
# Whole-process wall time and peak RSS (GNU time), median of 3 runs (1 at 1M).
# Then the gap of greedy + swap to the exact MIP (GLPK) on a 100-candidate instance.
#   PX_BENCH_SERVICES_SIZES="100000" scripts/bench services    (default: 100000 1000000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SIZES=${PX_BENCH_SERVICES_SIZES:-"100000 1000000"}
echo "| nodes | candidates | site-services s (CELF + swap) | peak MiB | peer s (plain greedy, no swap) | peak MiB | peer / proxima | greedy objective (proxima) | greedy objective (peer) | final objective (after swaps) | what-if s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  p="$BENCH_WORK/access-$n.sqlite"
  if [ ! -e "$p" ]; then
    "$PROXIMA" -q synth "$p" --nodes "$n" --seed 1
    "$PROXIMA" network "$p" >/dev/null
  fi
  # Grid spacing for about 100 x 100 candidates over the residents' extent.
  side=$(sqlite3 "$p" "SELECT max(max(x) - min(x), max(y) - min(y)) FROM net_nodes")
  step=$(awk -v s="$side" 'BEGIN { printf "%d", s / 99.5 }')
  runs=3; [ "$n" -lt 1000000 ] || runs=1
  args=(site-services "$p" --category health --new 10 --candidates "grid:$step" --mode walk --exact-max 0)
  read -r px_s px_kib < <(bench_median $runs "$PROXIMA" -q "${args[@]}")
  read -r pe_s pe_kib < <(bench_median $runs "$PROXIMA" -q "${args[@]}" --no-lazy --no-swap)
  "$PROXIMA" "${args[@]}" > "$BENCH_WORK/site-$n.txt" 2> "$BENCH_WORK/site-$n.err"
  "$PROXIMA" "${args[@]}" --no-lazy --no-swap > "$BENCH_WORK/site-$n-peer.txt" 2>/dev/null
  nc=$(sed -n 's/.*: \([0-9]*\) candidates (\([0-9]*\) on the network).*/\2/p' "$BENCH_WORK/site-$n.err")
  g1=$(awk '$1 == "greedy" {print $2}' "$BENCH_WORK/site-$n.txt")
  f1=$(awk '$1 == "final" {print $2}' "$BENCH_WORK/site-$n.txt")
  g2=$(awk '$1 == "greedy" {print $2}' "$BENCH_WORK/site-$n-peer.txt")
  xy=$(sqlite3 "$p" "SELECT printf('%.3f,%.3f', x, y) FROM services_sites WHERE rank = 1")
  read -r wi_s _ < <(bench_median $runs "$PROXIMA" -q services "$p" --category health --modes walk --project-xy --add "$xy" --close s0)
  awk -v n="$n" -v nc="$nc" -v ps="$px_s" -v pk="$px_kib" -v es="$pe_s" -v ek="$pe_kib" -v g1="$g1" -v g2="$g2" -v f1="$f1" -v w="$wi_s" \
    'BEGIN { printf "| %d | %d | %.2f | %.0f | %.2f | %.0f | %.2fx | %s | %s | %s | %.2f |\n", n, nc, ps, pk / 1024, es, ek / 1024, es / ps, g1, g2, f1, w }'
done

# The optimality gap against GLPK's MIP (exact optimum, or LP bound at the
# time limit) on a small instance of each region: K = 5 from a 10 x 10 grid,
# coverage and equity (p-median's LP is the largest: see README, "Service
# planning"). The MIP is the exact peer of greedy + swap here.
echo
echo "| nodes | candidates | objective | pairs | greedy + swap | MIP status | MIP value | MIP bound | gap to bound | site-services s (with MIP) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  p="$BENCH_WORK/access-$n.sqlite"
  side=$(sqlite3 "$p" "SELECT max(max(x) - min(x), max(y) - min(y)) FROM net_nodes")
  step=$(awk -v s="$side" 'BEGIN { printf "%d", s / 9.5 }')
  for obj in coverage equity; do
    /usr/bin/time -f "%e" -o "$BENCH_WORK/mip-$n-$obj.time" "$PROXIMA" site-services "$p" --category health --new 5 \
      --candidates "grid:$step" --mode walk --objective $obj --exact-max 0 --mip-seconds 60 --mip-max-pairs 100000000 \
      > "$BENCH_WORK/mip-$n-$obj.txt" 2> "$BENCH_WORK/mip-$n-$obj.err"
    f=$BENCH_WORK/mip-$n-$obj.txt
    awk -v n="$n" -v o="$obj" -v t="$(cat "$BENCH_WORK/mip-$n-$obj.time")" \
      -v nc="$(sed -n 's/.*(\([0-9]*\) on the network), \([0-9]*\) pairs.*/\1/p' "$BENCH_WORK/mip-$n-$obj.err")" \
      -v np="$(sed -n 's/.*on the network), \([0-9]*\) pairs.*/\1/p' "$BENCH_WORK/mip-$n-$obj.err")" \
      '$1 == "final" {fin = $2} $1 == "mip" {st = $2 ($3 ? " " $3 : "")} $1 == "mip_value" {v = $2} $1 == "mip_bound" {b = $2}
       $1 == "mip_gap" {g = $2}
       END { printf "| %d | %d | %s | %d | %s | %s | %s | %s | %s | %.2f |\n", n, nc, o, np, fin, st, v, b, g, t }' "$f"
  done
done
