# equity, brownfields and flood end to end on a small synthetic region with
# two flood bands and three brownfield sites written here (Lambert-93
# coordinates): exit codes, tables, files, exclusion with its rule, the
# half-in-zone share, byte-for-byte reruns, and usage / input errors.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
S=$(proj s)
SCEN="$PX_SOURCE_DIR/layers/scenarios/mutafriches-like.yaml"

"$PROXIMA" synth "$S" --nodes 2500 --seed 3 2>/dev/null || fail "synth"
"$PROXIMA" network "$S" >/dev/null 2>&1 || fail "network"
crs='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}'
# High band x 502000..502400 and medium band 502400..502800 across the grid.
cat > zones.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"z1","hazard":"fort"},"geometry":{"type":"Polygon","coordinates":[[[502000,5999000],[502400,5999000],[502400,6006000],[502000,6006000],[502000,5999000]]]}},
{"type":"Feature","properties":{"id":"z2","hazard":"moyen"},"geometry":{"type":"Polygon","coordinates":[[[502400,5999000],[502800,5999000],[502800,6006000],[502400,6006000],[502400,5999000]]]}}]}
JSON
# A wholly in the high band, B half in it (x 501900..502100), C dry.
cat > sites.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"A","name":"In the river","kind":"industrial","pollution":"none"},"geometry":{"type":"Polygon","coordinates":[[[502100,6001000],[502300,6001000],[502300,6001200],[502100,6001200],[502100,6001000]]]}},
{"type":"Feature","properties":{"id":"B","name":"Half wet","kind":"railway","pollution":"suspected"},"geometry":{"type":"Polygon","coordinates":[[[501900,6002000],[502100,6002000],[502100,6002200],[501900,6002200],[501900,6002000]]]}},
{"type":"Feature","properties":{"id":"C","name":"Dry","kind":"commercial","pollution":"proven"},"geometry":{"type":"Polygon","coordinates":[[[500500,6003000],[500700,6003000],[500700,6003200],[500500,6003200],[500500,6003000]]]}}]}
JSON
cat > extra.yaml <<YAML
layers:
  flood_zones:
    - source: zones.geojson
      fields: {id: id, hazard: hazard}
  brownfields:
    - source: sites.geojson
      fields: {id: id, name: name, kind: kind}
YAML
"$PROXIMA" load "$S" extra.yaml >/dev/null 2>&1 || fail "load extra layers"

# ---- equity
mkdir -p out1 out2
"$PROXIMA" equity "$S" -o out1 > eq.txt 2>/dev/null || fail "equity"
grep -q '^walk  health' eq.txt || fail "equity prints the walk summary"
# 16 communes x 2 modes x 8 categories x 2 methods rows, plus the header.
expect_eq "equity_communes.csv rows" 513 "$(wc -l < out1/equity_communes.csv)"
expect_eq "equity_lorenz.csv rows" $((32 * 101 + 1)) "$(wc -l < out1/equity_lorenz.csv)"
expect_eq "equity_communes.geojson features" 512 "$(ogr_count out1/equity_communes.geojson)"
head -1 out1/equity_underserved.csv | grep -q '^fid,commune_id,commune_name,mode,category,' || fail "underserved list"
# Every listed commune is flagged underserved in the full table.
n_under=$(awk -F, 'NR > 1 && $6 == "e2sfca" && $12 == 1' out1/equity_communes.csv | wc -l)
expect_eq "underserved rows" "$n_under" "$(($(wc -l < out1/equity_underserved.csv) - 1))"
# Ranks run 1..16 within each run, least served first.
awk -F, 'NR > 1 && $4 == "walk" && $5 == "health" && $6 == "e2sfca" {print $14}' out1/equity_communes.csv \
  | sort -n | tr '\n' ' ' | grep -q '^1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 $' || fail "ranks 1..16"
# Gini within [0, 1] for every run that has one.
awk -F, 'NR > 1 && $10 != "" && ($10 < 0 || $10 > 1) {bad = 1} END {exit bad}' out1/equity_summary.csv || fail "gini range"

# ---- brownfields: exclusion with its rule, the half share, byte-for-byte reruns
"$PROXIMA" brownfields "$S" --scenario "$SCEN" -o out1 >/dev/null 2>&1 || fail "brownfields"
"$PROXIMA" brownfields "$S" --scenario "$SCEN" -o out2 >/dev/null 2>&1 || fail "brownfields again"
for f in brownfield_sites.csv brownfield_scores.csv brownfield_sites.geojson; do
  cmp -s "out1/$f" "out2/$f" || fail "$f differs between two identical runs"
done
row=$(awk -F, '$2 == "A" && $4 == "housing"' out1/brownfield_scores.csv)
expect_eq "site A housing excluded_by" "high-flood-hazard-over-half" "$(echo "$row" | cut -d, -f8)"
expect_eq "site A housing rank empty" "" "$(echo "$row" | cut -d, -f7)"
# Column 15 of brownfield_scores (after the fid) is flood_share_high_raw.
expect_eq "scores column 15" "flood_share_high_raw" "$(head -1 out1/brownfield_scores.csv | cut -d, -f15)"
expect_near "site B flood_share_high" 0.5 "$(awk -F, '$2 == "B" && $4 == "housing" {print $15}' out1/brownfield_scores.csv)" 0.002
expect_eq "site C flood_share_high" 0 "$(awk -F, '$2 == "C" && $4 == "housing" {print $15}' out1/brownfield_scores.csv)"
expect_eq "brownfield_sites features" 3 "$(ogr_count out1/brownfield_sites.geojson)"

# ---- flood: exposure and the scenario that cuts the grid in two
"$PROXIMA" flood "$S" --hazard high -o out1 > fl.txt 2>/dev/null || fail "flood"
grep -q '^closed_edges [1-9]' fl.txt || fail "flood closes edges: $(cat fl.txt)"
grep -q '^residents_losing_quarter_hour [1-9]' fl.txt || fail "residents lose quarter-hour access"
# Distinct residents (issue 10, 2.4): never more than live in the region.
"$PROXIMA" -q export "$S" population -o pop.csv || fail "export population"
total=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "count") c = i; next } { s += $c } END { printf "%.0f", s }' pop.csv)
lost=$(awk '$1 == "residents_losing_quarter_hour" {print $2}' fl.txt)
[ "$lost" -le "$total" ] || fail "residents losing quarter-hour access $lost > residents $total"
any=$(awk '$1 == "residents_in_any_zones" {print $2}' fl.txt)
hi=$(awk '$1 == "residents_in_high_zones" {print $2}' fl.txt)
me=$(awk '$1 == "residents_in_medium_zones" {print $2}' fl.txt)
expect_eq "residents any = high + medium" "$any" "$((hi + me))"
head -1 out1/flood_exposure.csv | grep -q 'services_health' || fail "services per category columns"
[ "$(wc -l < out1/flood_scenario_origins.csv)" -gt 1 ] || fail "scenario origins written"

# ---- errors: usage (2) and runtime (1)
expect_fail 2 "missing --scenario" "$PROXIMA" brownfields "$S"
expect_fail 2 "--hazard: unknown value 'deluge' (valid: high, medium, low)" "$PROXIMA" flood "$S" --hazard deluge
expect_fail 2 "--bands 5: want up to 16 MAX_MIN:WEIGHT pairs" "$PROXIMA" equity "$S" --bands 5
printf 'uses: [housing]\ncriteria:\n  - id: a\n    thresholds: [1]\n    rate: {housing: {weight: 3, ratings: [1, 2]}}\n' > bad.yaml
expect_fail 1 "bad.yaml:5: criterion 'a': weight of 'housing' must be 0.5, 1 or 2" \
  "$PROXIMA" brownfields "$S" --scenario bad.yaml
E=$(proj empty)
"$PROXIMA" init "$E" --crs EPSG:2154 2>/dev/null
expect_fail 1 "no layer or table 'flood_zones'" "$PROXIMA" flood "$E"
finish
