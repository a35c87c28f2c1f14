# Brownfields as candidates for a public service: `site-services
# --candidates-from brownfields` writes per site the residents it alone
# brings within the threshold (services_site_gains), equal to what
# `proxima services --add` measures for that site; the brownfield ranking
# reads them as the criterion service_gain (raw value, bin, ranking); in a
# run scenario the siting step runs before the brownfields step.
source "$(dirname "$0")/lib.sh"

"$PROXIMA" -q synth s.sqlite --nodes 2500 --seed 3
"$PROXIMA" -q network s.sqlite > /dev/null
crs='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}'
# Three sites across the region (Lambert-93), as in test_analysis.sh.
cat > sites.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"A","name":"North"},"geometry":{"type":"Polygon","coordinates":[[[502100,6001000],[502300,6001000],[502300,6001200],[502100,6001200],[502100,6001000]]]}},
{"type":"Feature","properties":{"id":"B","name":"West"},"geometry":{"type":"Polygon","coordinates":[[[501900,6002000],[502100,6002000],[502100,6002200],[501900,6002200],[501900,6002000]]]}},
{"type":"Feature","properties":{"id":"C","name":"Centre"},"geometry":{"type":"Polygon","coordinates":[[[500500,6003000],[500700,6003000],[500700,6003200],[500500,6003200],[500500,6003000]]]}}]}
JSON
cat > extra.yaml <<YAML
layers:
  brownfields:
    - source: sites.geojson
      fields: {id: id, name: name}
YAML
"$PROXIMA" -q load s.sqlite extra.yaml > /dev/null

"$PROXIMA" -q site-services s.sqlite --category health --new 1 --candidates-from brownfields > /dev/null
expect_eq "one gain row per site" "3" "$(sqlite3 s.sqlite "SELECT count(*) FROM services_site_gains WHERE layer = 'brownfields' AND category = 'health' AND mode = 'walk'")"
# Each site's gain = a what-if opening a health service there (walk), region row.
for fid in 1 2 3; do
  xy=$(sqlite3 s.sqlite "SELECT printf('%.9f,%.9f', x, y) FROM services_site_gains WHERE candidate_id = '$fid'")
  g=$(sqlite3 s.sqlite "SELECT CAST(residents_gained AS INTEGER) FROM services_site_gains WHERE candidate_id = '$fid'")
  [ -n "$xy" ] || { fail "no point for site $fid"; continue; }
  "$PROXIMA" -q services s.sqlite --category health --modes walk --project-xy --add "$xy" > /dev/null
  expect_eq "site $fid: gain = what-if" "$g" \
    "$(sqlite3 s.sqlite "SELECT CAST(residents_gaining AS INTEGER) FROM services_whatif_summary WHERE mode = 'walk'")"
done
[ "$(sqlite3 s.sqlite 'SELECT count(DISTINCT residents_gained) FROM services_site_gains')" -ge 2 ] \
  || fail "all sites gain the same: the ranking check would prove nothing"

# The brownfield ranking reads it: raw value, and public facilities ranked by it.
cat > bf.yaml <<YAML
name: service-gain
uses: [public_facilities, housing]
criteria:
  - id: service_gain_health
    thresholds: [0, 1000, 3000]
    rate:
      public_facilities: {weight: 2, ratings: [-2, +0.5, +1, +2]}
  - id: service_gain_school
    thresholds: [0]
    rate:
      public_facilities: {weight: 1, ratings: [-1, +1]}
  - id: area_m2
    thresholds: [10000]
    rate:
      housing: {weight: 1, ratings: [+1, -1]}
YAML
"$PROXIMA" -q brownfields s.sqlite --scenario bf.yaml -o bf > /dev/null
sqlite3 s.sqlite "SELECT b.id || '|' || CAST(g.residents_gained AS INTEGER) FROM services_site_gains g JOIN brownfields b ON CAST(b.fid AS TEXT) = g.candidate_id ORDER BY b.id" > want_raw.txt
sqlite3 s.sqlite "SELECT site_id || '|' || CAST(service_gain_health_raw AS INTEGER) FROM brownfield_scores WHERE use = 'public_facilities' ORDER BY site_id" > got_raw.txt
cmp -s want_raw.txt got_raw.txt || fail "service_gain_health raw values differ from services_site_gains: $(diff want_raw.txt got_raw.txt | head -4)"
expect_eq "service_gain_school: another category, unfilled" "0" \
  "$(sqlite3 s.sqlite "SELECT count(*) FROM brownfield_scores WHERE use = 'public_facilities' AND service_gain_school_raw IS NOT NULL")"
# The site gaining most ranks first for public facilities (ties: site id).
expect_eq "public facilities: rank 1 = most residents gained" \
  "$(sqlite3 s.sqlite "SELECT b.id FROM services_site_gains g JOIN brownfields b ON CAST(b.fid AS TEXT) = g.candidate_id ORDER BY g.residents_gained DESC, b.id LIMIT 1")" \
  "$(sqlite3 s.sqlite "SELECT site_id FROM brownfield_scores WHERE use = 'public_facilities' AND rank = 1")"

# In a run scenario: the two-island fixture (West: 100 residents at x=0 with
# no shop within 2 minutes) with two brownfields, one in West, one in East;
# the siting step runs before the brownfields step, whose service_gain_shop
# is then 100 for the West site and 0 for the East one.
fx="$PX_SOURCE_DIR/tests/fixtures/cycle"
cat > bf_fx.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"W","name":"West yard"},"geometry":{"type":"Polygon","coordinates":[[[700010,6599990],[700040,6599990],[700040,6600020],[700010,6600020],[700010,6599990]]]}},
{"type":"Feature","properties":{"id":"E","name":"East yard"},"geometry":{"type":"Polygon","coordinates":[[[700440,6599990],[700470,6599990],[700470,6600020],[700440,6600020],[700440,6599990]]]}}]}
JSON
cat > bf_layers.yaml <<YAML
layers:
  brownfields:
    - source: bf_fx.geojson
      fields: {id: id, name: name}
YAML
cat > bf2.yaml <<YAML
uses: [public_facilities]
criteria:
  - id: service_gain_shop
    thresholds: [0, 50]
    rate:
      public_facilities: {weight: 1, ratings: [-1, +1, +2]}
YAML
cat > run.yaml <<YAML
name: shops
output: out
project: {path: p.sqlite, crs: EPSG:2154}
layers: [$fx/two-islands.yaml, bf_layers.yaml]
analyses:
  network: {}
  site_services: {category: shop, new: 1, candidates: brownfields, minutes: 2}
  brownfields: {scenario: bf2.yaml, minutes: 2}
YAML
"$PROXIMA" -q run run.yaml --name shops > /dev/null
P=out/p.sqlite
expect_eq "siting before brownfields" "site_services,brownfields" \
  "$(sqlite3 $P "SELECT group_concat(step) FROM (SELECT step FROM px_run_steps WHERE run = 'shops' AND step IN ('site_services', 'brownfields') ORDER BY pos)")"
expect_eq "service_gain_shop: West 100, East 0" "E|0|2
W|100|1" "$(sqlite3 $P "SELECT site_id, CAST(service_gain_shop_raw AS INTEGER), rank FROM brownfield_scores ORDER BY site_id")"
expect_eq "the West yard chosen" "W" "$(sqlite3 $P "SELECT b.id FROM services_sites s JOIN brownfields b ON CAST(b.fid AS TEXT) = s.candidate_id")"
finish
