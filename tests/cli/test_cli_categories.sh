# A typo in --categories or --modes (issue 10, item 2.1): exit 2 as a usage
# error of the command, the known values listed, and no table replaced
# (project byte-identical), in every analysis that takes them. Unknown
# categories are found by the library (PX_EARG -> exit 2); unknown modes by
# the option table.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
S=$(proj s)

"$PROXIMA" -q synth "$S" --nodes 400 --seed 3 || fail "synth"
"$PROXIMA" -q network "$S" >/dev/null || fail "network"
crs='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}'
cat > zones.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"z1","hazard":"fort"},"geometry":{"type":"Polygon","coordinates":[[[500500,5999000],[500900,5999000],[500900,6003000],[500500,6003000],[500500,5999000]]]}}]}
JSON
printf 'layers:\n  flood_zones:\n    - source: zones.geojson\n      fields: {id: id, hazard: hazard}\n' > zones.yaml
"$PROXIMA" -q load "$S" zones.yaml >/dev/null || fail "load flood zones"
"$PROXIMA" -q access "$S" >/dev/null || fail "first access run"
"$PROXIMA" -q equity "$S" >/dev/null || fail "first equity run"
"$PROXIMA" -q flood "$S" --hazard high >/dev/null || fail "first flood run"
known=$(sqlq "$S" "SELECT group_concat(category, ' ') FROM (SELECT DISTINCT category FROM services ORDER BY category)")
[ "$(wc -w <<<"$known")" -ge 4 ] || fail "synthetic services: categories '$known'"
rows_before=$(for t in access_communes access_origins equity_communes flood_exposure flood_scenario_communes; do
  sqlq "$S" "SELECT count(*) FROM $t"; done | tr '\n' ' ')

# unchanged WHAT MESSAGE CMD...: exit 2 with MESSAGE, the project's bytes unchanged.
unchanged() {
  local what=$1 msg=$2; shift 2
  local sum
  sum=$(store_hash "$S" | cut -d' ' -f1)
  expect_fail 2 "$msg" "$@"
  expect_eq "$what: project bytes" "$sum" "$(store_hash "$S" | cut -d' ' -f1)"
}
for c in access equity flood; do
  extra=()
  [ "$c" = flood ] && extra=(--hazard high)
  unchanged "$c --categories helth" "proxima: $c: unknown category 'helth' (known: " \
    "$PROXIMA" "$c" "$S" "${extra[@]}" --categories helth
  for k in $known; do
    grep -q "(known: .*\b$k\b" err.txt || fail "$c --categories helth: '$k' not listed: $(cat err.txt)"
  done
  grep -q "Try 'proxima help $c'" err.txt || fail "$c --categories helth: no pointer to the help"
  unchanged "$c --categories health,fod" "unknown category 'fod'" "$PROXIMA" "$c" "$S" "${extra[@]}" --categories health,fod
  unchanged "$c --modes bik" "proxima: $c: --modes: unknown value 'bik' (valid: walk, bike)" \
    "$PROXIMA" "$c" "$S" "${extra[@]}" --modes bik
done
expect_eq "result tables keep their rows" "$rows_before" \
  "$(for t in access_communes access_origins equity_communes flood_exposure flood_scenario_communes; do
       sqlq "$S" "SELECT count(*) FROM $t"; done | tr '\n' ' ')"
finish
