# Stores: the same synthetic region (`proxima synth --seed 1`) on SpatiaLite
# and on PostGIS, side by side: the SpatiaLite store is the peer of the
# PostGIS one. Per size, on each store: synth (the region written through the
# store's writer: COPY on PostGIS), load (the same region exported to
# GeoPackage once and read back by `proxima load`: GDAL, reprojection,
# validation, then the writer), network, and access (8 categories x 2 modes,
# 30 min; with and without the per-origin table). Whole-process wall time
# and peak RSS of proxima by GNU time, medians (3 runs after a warm-up; 1 at
# 1M nodes), and the ratio PostGIS / SpatiaLite. The PostgreSQL server's own
# memory is not in proxima's peak RSS; its time is in proxima's wall time.
# The server is a throwaway local cluster (tests/pg/start.sh: PostgreSQL 15 +
# PostGIS 3, loopback, fsync off), stopped at the end.
#   PX_BENCH_STORES_SIZES="100000" scripts/bench stores    (default: 100000 1000000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${PROXIMA:?}" "${BENCH_WORK:?}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
W="$BENCH_WORK/stores"
mkdir -p "$W"
pgdir="$W/pg"
"$SRC/tests/pg/stop.sh" "$pgdir" 2>/dev/null || true
ci=$("$SRC/tests/pg/start.sh" "$pgdir") || { echo "stores: no PostgreSQL 15 + PostGIS (scripts/setup installs them)"; exit 0; }
trap '"$SRC/tests/pg/stop.sh" "$pgdir"' EXIT
SIZES=${PX_BENCH_STORES_SIZES:-"100000 1000000"}

echo "| nodes | step | SpatiaLite s | peak MiB | PostGIS s | peak MiB | PostGIS / SpatiaLite |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
  runs=3; [ "$n" -lt 1000000 ] || runs=1
  sl="$W/sl-$n.sqlite"
  pg="PG:$ci schemas=s$n"
  pgl="PG:$ci schemas=l$n"
  g="$W/gpkg-$n"
  rm -f "$sl" "$W/ld-$n.sqlite"
  # The GeoPackage files of the load step (once, from the first synth).
  "$PROXIMA" -q synth "$sl" --nodes "$n" --seed 1 >/dev/null
  rm -rf "$g" && mkdir -p "$g"
  for l in communes roads services population; do "$PROXIMA" -q export "$sl" $l -o "$g/$l.gpkg"; done
  cat >"$g/def.yaml" <<'EOF'
description: a synthetic region (proxima synth) exported to GeoPackage
layers:
  communes: {source: communes.gpkg, fields: {id: id, name: name, population: population}}
  roads: {source: roads.gpkg, fields: {id: id, highway: highway, oneway: oneway, foot: foot, bicycle: bicycle}}
  services: {source: services.gpkg, fields: {id: id, category: category, name: name, capacity: capacity}}
  population: {source: population.gpkg, fields: {id: id, count: count, method: method}}
EOF
  "$PROXIMA" -q init "$W/ld-$n.sqlite" --crs EPSG:2154
  "$PROXIMA" -q init "$pgl" --crs EPSG:2154
  row() { # step, then the two commands' medians
    awk -v n="$n" -v st="$1" -v a="$2" -v ak="$3" -v b="$4" -v bk="$5" 'BEGIN {
      printf "| %d | %s | %.2f | %.0f | %.2f | %.0f | %.2f |\n", n, st, a, ak / 1024, b, bk / 1024, (a > 0 ? b / a : 0) }'
  }
  read -r a ak < <(bench_median $runs "$PROXIMA" -q synth "$sl" --nodes "$n" --seed 1)
  read -r b bk < <(bench_median $runs "$PROXIMA" -q synth "$pg" --nodes "$n" --seed 1)
  row synth "$a" "$ak" "$b" "$bk"
  read -r a ak < <(bench_median $runs "$PROXIMA" -q load "$W/ld-$n.sqlite" "$g/def.yaml")
  read -r b bk < <(bench_median $runs "$PROXIMA" -q load "$pgl" "$g/def.yaml")
  row "load (GeoPackage)" "$a" "$ak" "$b" "$bk"
  read -r a ak < <(bench_median $runs "$PROXIMA" -q network "$sl")
  read -r b bk < <(bench_median $runs "$PROXIMA" -q network "$pg")
  row network "$a" "$ak" "$b" "$bk"
  read -r a ak < <(bench_median $runs "$PROXIMA" -q access "$sl" --max-minutes 30)
  read -r b bk < <(bench_median $runs "$PROXIMA" -q access "$pg" --max-minutes 30)
  row access "$a" "$ak" "$b" "$bk"
  read -r a ak < <(bench_median $runs "$PROXIMA" -q access "$sl" --max-minutes 30 --no-origins-table)
  read -r b bk < <(bench_median $runs "$PROXIMA" -q access "$pg" --max-minutes 30 --no-origins-table)
  row "access --no-origins-table" "$a" "$ak" "$b" "$bk"
  # The two stores give the same answers: the per-commune table, exported.
  "$PROXIMA" -q export "$sl" access_communes -o "$W/ac-sl-$n.csv"
  "$PROXIMA" -q export "$pg" access_communes -o "$W/ac-pg-$n.csv"
  cmp -s "$W/ac-sl-$n.csv" "$W/ac-pg-$n.csv" || echo "| $n | access_communes DIFFER between the stores | | | | | |"
done
