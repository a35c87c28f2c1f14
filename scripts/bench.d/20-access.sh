# Accessibility benchmark: `proxima access` (8 categories x 2 modes, nearest
# service, 30-min cutoff) on synthetic grids of 10k, 100k and 1M nodes, side
# by side with python3-igraph computing the same minutes on the same graph
# (per mode, the graph built once with one super-source vertex per category
# and one distances() call from all of them, fed the very same snapped
# services and origins from `proxima snap`). Whole-process
# wall time and peak RSS (GNU time) of both; the minutes are compared value by
# value. Also the one-off costs: synth and `proxima network`.
#   PX_BENCH_ACCESS_SIZES="10000 100000" scripts/bench access    (default: all three)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if ! /usr/bin/python3 -c "import igraph, numpy" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq python3-igraph python3-numpy >/dev/null
fi
PEER="$(cd "$(dirname "$0")" && pwd)/access_igraph.py"
SIZES=${PX_BENCH_ACCESS_SIZES:-"10000 100000 1000000"}
echo "| nodes | synth s | network s (peak MiB) | proxima access s | peak MiB | same, --no-origins-table s | peak MiB | igraph s | peak MiB | igraph / proxima | minutes compared | disagreements |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  p="$BENCH_WORK/access-$n.sqlite"
  snaps="$BENCH_WORK/access-$n-snaps"
  if [ ! -e "$p" ]; then
    /usr/bin/time -f "%e %M" -o "$BENCH_WORK/synth-$n.time" "$PROXIMA" -q synth "$p" --nodes "$n" --seed 1
    /usr/bin/time -f "%e %M" -o "$BENCH_WORK/network-$n.time" "$PROXIMA" network "$p" >/dev/null
  fi
  mkdir -p "$snaps"
  for m in walk bike; do
    "$PROXIMA" snap "$p" services --mode $m > "$snaps/services-$m.csv"
    "$PROXIMA" snap "$p" population --mode $m > "$snaps/population-$m.csv"
  done
  runs=3; [ "$n" -lt 1000000 ] || runs=1
  read -r px_s px_kib < <(bench_median $runs "$PROXIMA" -q access "$p" --max-minutes 30)
  read -r pn_s pn_kib < <(bench_median $runs "$PROXIMA" -q access "$p" --max-minutes 30 --no-origins-table)
  read -r ig_s ig_kib < <(bench_median 1 /usr/bin/python3 "$PEER" run "$p" "$snaps" "$BENCH_WORK/access-$n-igraph.npz" 30)
  "$PROXIMA" -q access "$p" --max-minutes 30 >/dev/null
  read -r _ n_cmp _ n_bad _ < <(/usr/bin/python3 "$PEER" compare "$p" "$BENCH_WORK/access-$n-igraph.npz")
  read -r sy_s _ < "$BENCH_WORK/synth-$n.time"
  read -r nw_s nw_kib < "$BENCH_WORK/network-$n.time"
  awk -v n="$n" -v sy="$sy_s" -v nw="$nw_s" -v nwk="$nw_kib" -v ps="$px_s" -v pk="$px_kib" -v ns="$pn_s" -v nk="$pn_kib" -v is="$ig_s" -v ik="$ig_kib" \
      -v c="$n_cmp" -v b="$n_bad" 'BEGIN { printf "| %d | %.1f | %.1f (%.0f) | %.2f | %.0f | %.2f | %.0f | %.2f | %.0f | %.1fx | %d | %d |\n",
      n, sy, nw, nwk / 1024, ps, pk / 1024, ns, nk / 1024, is, ik / 1024, is / ps, c, b }'
done
