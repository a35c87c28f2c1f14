# Equity benchmark: `proxima equity` (2SFCA + E2SFCA, 8 categories x 2 modes,
# one threshold-bounded search per service) against the plain
# `proxima access` run (nearest service per category and mode) on the same
# synthetic region, at 100k and 1M nodes. Both with their default 2 threads,
# whole-process wall time and peak RSS (GNU time). Target: equity within 3x
# of access. Projects are shared with the access bench when present.
#   PX_BENCH_EQUITY_SIZES="100000" scripts/bench equity    (default: both)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SIZES=${PX_BENCH_EQUITY_SIZES:-"100000 1000000"}
echo "| nodes | origins | services | proxima access s | peak MiB | proxima equity s | peak MiB | equity / access |"
echo "|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  p="$BENCH_WORK/access-$n.sqlite"
  if [ ! -e "$p" ]; then
    "$PROXIMA" -q synth "$p" --nodes "$n" --seed 1
    "$PROXIMA" network "$p" >/dev/null
  fi
  runs=3; [ "$n" -lt 1000000 ] || runs=1
  read -r ac_s ac_kib < <(bench_median $runs "$PROXIMA" -q access "$p")
  read -r eq_s eq_kib < <(bench_median $runs "$PROXIMA" -q equity "$p")
  n_pop=$(sqlite3 "$p" "SELECT count(*) FROM population")
  n_svc=$(sqlite3 "$p" "SELECT count(*) FROM services")
  awk -v n="$n" -v o="$n_pop" -v s="$n_svc" -v as="$ac_s" -v ak="$ac_kib" -v es="$eq_s" -v ek="$eq_kib" \
    'BEGIN { printf "| %d | %d | %d | %.2f | %.0f | %.2f | %.0f | %.2fx |\n", n, o, s, as, ak / 1024, es, ek / 1024, es / as }'
done
