# Loading (foundation): `proxima load` of the demo definition (Liechtenstein
# PBF: 9 filtered OSM sources + the population CSV join, reprojected to UTM
# 32N, validated/repaired, population proxy) against ogr2ogr writing the same
# filtered layers to SpatiaLite with the same osmconf.ini (one ogr2ogr per
# source, as the definition has one per source; no reprojection, no
# validation). A second peer: one ogr2ogr pass copying the three OSM layers
# whole (GDAL's interleaved reading of the PBF).
set -euo pipefail
source scripts/bench.d/lib.sh
: "${PROXIMA:?}" "${BENCH_WORK:?}"
W="$BENCH_WORK/load"
mkdir -p "$W"
L="$PWD/layers"
PBF="$L/data/liechtenstein-2013-08-03.osm.pbf"
export OSM_CONFIG_FILE="$L/osmconf.ini"

proxima_load() {
  rm -f "$W/px.sqlite"
  "$PROXIMA" init "$W/px.sqlite" --crs EPSG:32632 && "$PROXIMA" --quiet load "$W/px.sqlite" "$L/demo-liechtenstein.yaml"
}

ogr_filtered() {
  rm -f "$W/ogr.sqlite"
  ogr2ogr -f SQLite -dsco SPATIALITE=YES "$W/ogr.sqlite" "$PBF" multipolygons -nln communes \
    -where "boundary = 'administrative' AND admin_level = '8'"
  a() { ogr2ogr -append -update "$W/ogr.sqlite" "$PBF" "$1" -nln "$2" -where "$3" -nlt PROMOTE_TO_MULTI; }
  a lines roads "highway IS NOT NULL"
  a lines cycle_routes "highway = 'cycleway' OR bicycle = 'designated' OR cycleway IN ('track', 'opposite_track', 'lane', 'opposite_lane', 'shared', 'shared_lane', 'share_busway') OR cycleway_left IN ('track', 'lane', 'shared_lane') OR cycleway_right IN ('track', 'lane', 'shared_lane') OR cycleway_both IN ('track', 'lane', 'shared_lane')"
  a points services "amenity IS NOT NULL OR shop IS NOT NULL OR highway = 'bus_stop' OR public_transport IS NOT NULL OR railway IS NOT NULL OR leisure IS NOT NULL"
  a multipolygons services_areas "amenity IS NOT NULL OR shop IS NOT NULL OR leisure IS NOT NULL OR public_transport IS NOT NULL"
  a multipolygons brownfields "landuse IN ('brownfield', 'industrial')"
  a lines flood_high "waterway = 'river'"
  a lines flood_medium "waterway = 'river'"
  a multipolygons population "building IS NOT NULL"
}

ogr_whole() {
  rm -f "$W/ogr1.sqlite"
  ogr2ogr -f SQLite -dsco SPATIALITE=YES "$W/ogr1.sqlite" "$PBF" points lines multipolygons
}

# GNU time runs programs, not shell functions: hand them to bash -c.
export W L PBF PROXIMA
export -f proxima_load ogr_filtered ogr_whole
read -r px_s px_kib < <(bench_median 5 bash -c proxima_load)
read -r of_s of_kib < <(bench_median 5 bash -c ogr_filtered)
read -r ow_s ow_kib < <(bench_median 5 bash -c ogr_whole)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "proxima load (demo definition, 9 sources + join)   ${px_s} s  ${px_kib} KiB"
echo "ogr2ogr, same filtered layers (9 runs)              ${of_s} s  ${of_kib} KiB  ratio proxima/ogr2ogr $(ratio "$px_s" "$of_s")"
echo "ogr2ogr, 3 whole OSM layers (1 run)                 ${ow_s} s  ${ow_kib} KiB  ratio proxima/ogr2ogr $(ratio "$px_s" "$ow_s")"
