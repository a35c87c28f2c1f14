# The network and accessibility on the demo region (Liechtenstein, OSM 2013):
# travel times checked against an independent router (SpatiaLite's
# VirtualRouting on the same net_edges, through sqlite3 + mod_spatialite) for
# a handful of node pairs, within 1%; then access and isochrones.
source "$(dirname "$0")/lib.sh"

"$PROXIMA" -q init demo.sqlite --crs EPSG:32632
"$PROXIMA" -q load demo.sqlite "$PX_SOURCE_DIR/layers/demo-liechtenstein.yaml" >/dev/null 2>&1 || fail "load demo"
"$PROXIMA" network demo.sqlite > net.txt || fail "network"
val() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
expect_eq "edges in report = rows" "$(val edges net.txt)" "$(sqlite3 demo.sqlite 'SELECT count(*) FROM net_edges')"
expect_eq "nodes in report = rows" "$(val nodes net.txt)" "$(sqlite3 demo.sqlite 'SELECT count(*) FROM net_nodes')"
# Every cycle route of the demo is an OSM way already in roads: none added twice.
expect_eq "cycle routes in roads" "$(val cycle_routes net.txt)" "$(val cycle_routes_in_roads net.txt)"
expect_eq "no motorway edge" "0" "$(sqlite3 demo.sqlite "SELECT count(*) FROM net_edges WHERE highway IN ('motorway','construction')")"
expect_eq "walk time = length / 4.8 km/h" "0" \
  "$(sqlite3 demo.sqlite "SELECT count(*) FROM net_edges WHERE abs(walk_s - length_m * 3.6 / 4.8) > 1e-3 * walk_s + 1e-6")"
expect_eq "islands flagged off the main component" "0" \
  "$(sqlite3 demo.sqlite "SELECT count(*) FROM net_edges WHERE island = 1 AND component = 0")"

# Independent router: VirtualRouting over the same edges, per mode.
sqlite3 demo.sqlite "SELECT load_extension('mod_spatialite');
  SELECT CreateRouting('rt_walk_data', 'rt_walk', 'net_edges', 'from_node', 'to_node', 'geom', 'walk_s', NULL, 1, 1, 'walk_fwd', 'walk_bwd', 1);
  SELECT CreateRouting('rt_bike_data', 'rt_bike', 'net_edges', 'from_node', 'to_node', 'geom', 'bike_s', NULL, 1, 1, 'bike_fwd', 'bike_bwd', 1);" >/dev/null
# Junctions of the main component on edges each mode may use, picked by fid.
for mode in walk bike; do
  nodes=$(sqlite3 demo.sqlite "SELECT n.fid FROM net_nodes n WHERE n.degree >= 3 AND n.component = 0
    AND EXISTS (SELECT 1 FROM net_edges e WHERE (e.from_node = n.fid OR e.to_node = n.fid) AND e.${mode}_fwd AND e.${mode}_bwd)
    AND n.fid % 61 = 0 ORDER BY n.fid LIMIT 12")
  set -- $nodes
  checked=0
  while [ $# -ge 2 ]; do
    a=$1 b=$2; shift 2
    from=$(sqlite3 demo.sqlite "SELECT printf('%.6f,%.6f', x, y) FROM net_nodes WHERE fid = $a")
    to=$(sqlite3 demo.sqlite "SELECT printf('%.6f,%.6f', x, y) FROM net_nodes WHERE fid = $b")
    ours=$("$PROXIMA" route demo.sqlite --from "$from" --to "$to" --mode $mode --snap-m 0.01 | awk '$1 == "seconds" {print $2}')
    # (VirtualRouting answers only unfiltered queries: pick the Route row here.)
    theirs=$(sqlite3 demo.sqlite "SELECT load_extension('mod_spatialite'); SELECT Role, Cost FROM rt_$mode WHERE NodeFrom = $a AND NodeTo = $b" | awk -F'|' '$1 == "Route" {print $2}')
    if [ -n "$theirs" ] && [ -n "$ours" ]; then
      expect_near "$mode $a->$b seconds (VirtualRouting)" "$theirs" "$ours" 0.01
      checked=$((checked + 1))
    elif [ -n "$theirs$ours" ]; then
      fail "$mode $a->$b: one router found a path, the other not (ours '$ours', VirtualRouting '$theirs')"
    fi
  done
  [ "$checked" -ge 4 ] || fail "$mode: only $checked pairs compared"
done

# `route` takes lon/lat points (issue 10, item 2.7): the help's examples run on
# this very project, and a lon/lat route equals the route between the same
# points projected independently (GDAL's gdaltransform) and given in the CRS.
"$PROXIMA" help route | awk '/^Examples?:/ { f = 1; next } f && /^  proxima / { sub(/^  proxima /, ""); print }' > route-examples.txt
expect_eq "route help examples" 2 "$(wc -l < route-examples.txt)"
while read -r line; do
  # shellcheck disable=SC2086
  out=$("$PROXIMA" $line) || fail "help example 'proxima $line' failed on the demo"
  grep -Eq '^minutes [0-9]+\.[0-9]{3}$' <<<"$out" || fail "help example 'proxima $line': no minutes: $out"
done < route-examples.txt
read -r fx fy < <(echo "9.5209 47.1410" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32632 -output_xy)
read -r tx ty < <(echo "9.5100 47.1650" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32632 -output_xy)
ll=$("$PROXIMA" route demo.sqlite --from-lonlat 9.5209,47.1410 --to-lonlat 9.5100,47.1650 --mode bike | head -1)
xy=$("$PROXIMA" route demo.sqlite --from "$fx,$fy" --to "$tx,$ty" --mode bike | head -1)
expect_eq "route by lon/lat = route by projected x,y" "$xy" "$ll"
expect_near "Vaduz centre to Schaan by bike, minutes" 12.2 "$(awk '{print $2 / 60}' <<<"$ll")" 0.1
expect_fail 1 "no walk edge within 300 m" "$PROXIMA" route demo.sqlite --from-lonlat 9.60,47.00 --to-lonlat 9.5100,47.1650

"$PROXIMA" access demo.sqlite --nth 2 > access.txt || fail "access"
expect_eq "origins = population rows" "$(val origins access.txt)" "$(sqlite3 demo.sqlite 'SELECT count(*) FROM population')"
expect_eq "one row per commune + region" "12" "$(sqlite3 demo.sqlite 'SELECT count(*) FROM access_communes')"
expect_eq "shares within [0,1]" "0" "$(sqlite3 demo.sqlite 'SELECT count(*) FROM access_communes WHERE bike_all_share < 0 OR bike_all_share > 1 OR walk_all_share > bike_all_share + 1')"
expect_eq "n-th nearest never nearer than nearest" "0" \
  "$(sqlite3 demo.sqlite 'SELECT count(*) FROM access_origins WHERE walk_transit_n2_min < walk_transit_min')"
expect_eq "score = categories within 15 min" "0" \
  "$(sqlite3 demo.sqlite "SELECT count(*) FROM access_origins WHERE bike_score != (coalesce(bike_transit_min <= 15, 0) + coalesce(bike_health_min <= 15, 0) + coalesce(bike_food_min <= 15, 0) + coalesce(bike_education_min <= 15, 0) + coalesce(bike_culture_min <= 15, 0) + coalesce(bike_sport_min <= 15, 0) + coalesce(bike_public_min <= 15, 0))")"

# The region row is named as in every per-commune table; the commune names are in commune_name.
expect_eq "region row" "*|All communes" "$(sqlite3 demo.sqlite "SELECT commune_id, commune_name FROM access_communes WHERE geom IS NULL")"
expect_eq "commune names" "$(sqlite3 demo.sqlite 'SELECT group_concat(name) FROM (SELECT name FROM communes ORDER BY fid)')" \
  "$(sqlite3 demo.sqlite 'SELECT group_concat(commune_name) FROM (SELECT commune_name FROM access_communes WHERE geom IS NOT NULL ORDER BY fid)')"

# A typo in --categories (issue 10, 2.1): exit 2, the known categories listed,
# the project byte-identical afterwards.
before=$(sha256sum demo.sqlite)
expect_fail 2 "proxima: access: unknown category 'helth' (known: culture, education, food, health, public, sport, transit)" \
  "$PROXIMA" access demo.sqlite --categories health,helth
expect_eq "project unchanged" "$before" "$(sha256sum demo.sqlite)"

# Commune centres (issue 10, 2.3): the population-weighted centre, so every
# commune's 15-minute isochrone holds residents, on foot and by bike (with a
# point on surface, Triesen's centre fell in the mountains: 0 residents).
for mode in walk bike; do
  "$PROXIMA" -q isochrone demo.sqlite --commune-centres --mode $mode --minutes 15 --table iso_$mode || fail "isochrone $mode"
  expect_eq "$mode: one 15-min isochrone per commune" "11" "$(sqlite3 demo.sqlite "SELECT count(*) FROM iso_$mode")"
  expect_eq "$mode: communes whose 15-min isochrone holds nobody" "" \
    "$(sqlite3 demo.sqlite "SELECT group_concat(origin) FROM iso_$mode WHERE NOT residents > 0")"
done

"$PROXIMA" -q isochrone demo.sqlite --commune-centres --mode walk --minutes 5,10 || fail "isochrone"
expect_eq "two bands per commune" "22" "$(sqlite3 demo.sqlite 'SELECT count(*) FROM isochrones')"
expect_eq "bands nested: more area and residents at 10 min" "0" \
  "$(sqlite3 demo.sqlite 'SELECT count(*) FROM isochrones a JOIN isochrones b ON a.origin = b.origin AND a.minutes = 5 AND b.minutes = 10 WHERE b.area_km2 < a.area_km2 OR b.residents < a.residents')"
expect_eq "each band's polygon covers the one before it and is valid" "0" \
  "$(sqlite3 -cmd "SELECT load_extension('mod_spatialite')" demo.sqlite 'SELECT count(*) FROM isochrones a JOIN isochrones b ON a.origin = b.origin AND a.minutes = 5 AND b.minutes = 10 WHERE ST_Area(ST_Difference(a.geom, b.geom)) > 0.01 OR NOT ST_IsValid(b.geom) OR NOT ST_IsValid(a.geom)' | tail -1)"
finish
