# Every bad input of issue 2 for `proxima load`: a clear error naming the
# file (and line, layer, feature), a non-zero exit, and the project exactly as
# it was (same `proxima layers` output and same bytes on disk).
source "$(dirname "$0")/lib.sh"
D="$PX_SOURCE_DIR/tests/fixtures/io/defs"

"$PROXIMA" init p.sqlite --crs EPSG:32632 2>/dev/null
"$PROXIMA" --quiet load p.sqlite "$D/good.yaml" || fail "baseline load"
"$PROXIMA" layers p.sqlite >before.txt
sum_before=$(sha256sum p.sqlite | cut -d' ' -f1)
unchanged() {
  "$PROXIMA" layers p.sqlite >after.txt
  diff -q before.txt after.txt >/dev/null || fail "$1: proxima layers changed"
  expect_eq "$1: store bytes" "$sum_before" "$(sha256sum p.sqlite | cut -d' ' -f1)"
}
bad() { # bad NAME EXIT MESSAGE [--strict]
  expect_fail "$2" "$3" "$PROXIMA" load p.sqlite "$D/$1.yaml" ${4:-}
  unchanged "$1"
}

bad syntax-error 1 "syntax-error.yaml:6: YAML syntax error"
expect_fail 1 "syntax-error.json:4: JSON syntax error" "$PROXIMA" load p.sqlite "$D/syntax-error.json"
unchanged syntax-error.json
bad unknown-key 1 "unknown-key.yaml:4: unknown key 'fileds' in a source of layer 'communes'"
bad unknown-layer 1 "unknown-layer.yaml:2: unknown layer 'parks'"
bad missing-source 1 "../no-such-file.geojson: cannot open: No such file or directory"
bad not-vector 1 "../junk.dat: GDAL cannot open it as a vector source"
bad unknown-source-layer 1 "../communes2.geojson: no layer 'boundaries' (layers: communes2)"
bad missing-field 1 "../communes2.geojson:communes2: field 'nom' (mapped to communes.name) does not exist"
bad missing-osmconf 1 "osm_config $D/no-such-osmconf.ini: No such file or directory"
bad no-crs 1 "../latin1.csv:latin1: the source has no CRS and the definition gives no 'srs:'"
bad both-layers-one-bad 1 "field 'road_class' (mapped to roads.highway) does not exist"
expect_fail 1 "nope.yaml: cannot open" "$PROXIMA" load p.sqlite "$D/nope.yaml"
unchanged "missing definition"
echo "not a database" >junk.sqlite
expect_fail 1 "junk.sqlite: not a Proxima project" "$PROXIMA" load junk.sqlite "$D/good.yaml"
expect_fail 2 "missing DEFINITION" "$PROXIMA" load p.sqlite

# The JSON form of the baseline definition loads the same rows.
"$PROXIMA" init pj.sqlite --crs EPSG:32632 2>/dev/null
"$PROXIMA" load pj.sqlite "$D/good.json" >report.txt || fail "JSON definition"
expect_eq "JSON definition: communes" "3 3 0 0" "$(awk '$1 == "communes" {print $2, $3, $4, $5}' report.txt)"

# Geometry problems are per feature: repaired or rejected, counted, named.
# zones.geojson: bowtie (2) and unclosed ring (6) repaired; point (3), NULL (4),
# empty (5) and flat polygon (7) rejected; 4 loaded (1, 2, 6, 8).
bad bad-geometries 1 "4 feature(s) rejected and --strict was asked" --strict
"$PROXIMA" load p.sqlite "$D/bad-geometries.yaml" >report.txt 2>warnings.txt || fail "non-strict load"
expect_eq "read/loaded/repaired/rejected" "8 4 2 4" "$(awk '$1 == "communes" {print $2, $3, $4, $5}' report.txt)"
grep -q "zones.geojson:zones:3: geometry is a point, layer 'communes' takes a polygon" warnings.txt || fail "point as a commune named"
grep -q "zones.geojson:zones:4: no geometry (NULL)" warnings.txt || fail "NULL geometry named"
grep -q "zones.geojson:zones:5: empty geometry" warnings.txt || fail "empty geometry named"
grep -q "zones.geojson:zones:7: unusable after repair: no area left" warnings.txt || fail "flat polygon named"
expect_eq "bowtie area after MakeValid (two 2500 m2 triangles)" 5000 \
  "$(ogrinfo -ro -q p.sqlite -dialect sqlite -sql "SELECT CAST(ROUND(ST_Area(geom)) AS INTEGER) FROM communes WHERE id = 'B'" | awk -F' = ' '/ = / {print $2}')"
expect_eq "unclosed ring closed (100 m square)" 10000 \
  "$(ogrinfo -ro -q p.sqlite -dialect sqlite -sql "SELECT CAST(ROUND(ST_Area(geom)) AS INTEGER) FROM communes WHERE id = 'F'" | awk -F' = ' '/ = / {print $2}')"
expect_eq "every stored geometry valid" 0 \
  "$(ogrinfo -ro -q p.sqlite -dialect sqlite -sql 'SELECT COUNT(*) FROM communes WHERE ST_IsValid(geom) = 0' | awk -F' = ' '/ = / {print $2}')"

# Non-UTF-8 text: rejected with the reason (strict: the load fails, nothing changes).
"$PROXIMA" layers p.sqlite >before.txt
sum_before=$(sha256sum p.sqlite | cut -d' ' -f1)
bad latin1 1 "1 feature(s) rejected" --strict
"$PROXIMA" load p.sqlite "$D/latin1.yaml" >report.txt 2>warnings.txt || fail "latin1 non-strict"
expect_eq "latin1 loaded/rejected" "1 1" "$(awk '$1 == "services" {print $3, $5}' report.txt)"
grep -q "latin1.csv:latin1:1: field 'name': text is not valid UTF-8" warnings.txt || fail "latin1 reason"
expect_eq "no invalid UTF-8 stored" 0 \
  "$(ogrinfo -ro -q p.sqlite -dialect sqlite -sql "SELECT COUNT(*) FROM services WHERE name LIKE 'Z%'" | awk -F' = ' '/ = / {print $2}')"

# A read-only project cannot be loaded into (root ignores file modes: skip then).
if [ "$(id -u)" != 0 ]; then
  chmod a-w p.sqlite
  expect_fail 1 "p.sqlite" "$PROXIMA" load p.sqlite "$D/good.yaml"
  chmod u+w p.sqlite
fi
finish
