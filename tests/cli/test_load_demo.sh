# The bundled demo definition loads the Liechtenstein extract: counts per
# layer, a commune's area against GDAL's own reprojection, population totals.
# The expected counts were computed independently with ogrinfo on the PBF and
# the same filters (e.g. SELECT COUNT(*) FROM lines WHERE highway IS NOT NULL
# -> 2751; services: 371 points + 84 areas = 455).
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
D=$(proj demo)
L="$PX_SOURCE_DIR/layers"

"$PROXIMA" init "$D" --crs EPSG:32632 2>/dev/null
"$PROXIMA" load "$D" "$L/demo-liechtenstein.yaml" >report.txt 2>warnings.txt || fail "demo load"
row() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' report.txt; }
expect_eq "communes loaded" 11 "$(row communes 3)"
expect_eq "roads loaded" 2751 "$(row roads 3)"
expect_eq "cycle_routes loaded" 169 "$(row cycle_routes 3)"
expect_eq "services loaded" 455 "$(row services 3)"
expect_eq "brownfields loaded" 14 "$(row brownfields 3)"
expect_eq "flood_zones read (river lines: 4 per band)" 8 "$(row flood_zones 2)"
expect_eq "flood_zones loaded (one dissolved band each)" 2 "$(row flood_zones 3)"
expect_eq "population read (building footprints)" 3723 "$(row population 2)"
for l in communes roads cycle_routes services brownfields flood_zones; do
  expect_eq "$l rejected" 0 "$(row "$l" 5)"
done
# Four buildings lie outside every commune polygon: rejected, each named.
expect_eq "population rejected" 4 "$(row population 5)"
expect_eq "warnings name source:layer:feature" 4 \
  "$(grep -c 'liechtenstein-2013-08-03.osm.pbf:multipolygons:[0-9]*: outside every communes feature' warnings.txt)"

sql() { sqlq "$D" "$1"; }
expect_eq "communes in the store" 11 "$(sql 'SELECT COUNT(*) FROM communes')"
expect_eq "population joined by name (Vaduz, 2019)" 5696 "$(sql "SELECT CAST(population AS INTEGER) FROM communes WHERE name = 'Vaduz'")"
expect_eq "commune totals" 38749 "$(sql 'SELECT CAST(SUM(population) AS INTEGER) FROM communes')"
expect_near "population proxy sums to the totals" 38749 "$(sql 'SELECT SUM(count) FROM population')" 1e-9
expect_eq "every population point is labelled a proxy" 0 "$(sql "SELECT COUNT(*) FROM population WHERE method NOT LIKE 'proxy:%'")"
expect_eq "flood zones labelled proxy" 2 "$(sql "SELECT COUNT(*) FROM flood_zones WHERE kind LIKE 'proxy:%'")"
# Per category, checked with one ogrinfo -dialect sqlite CASE expression over the
# same tags on points (371) and multipolygons (84), summed by hand.
expect_eq "services categories" "culture:14 education:28 food:19 health:5 public:10 sport:63 transit:316" \
  "$(ogrinfo -ro -q "$D" -dialect sqlite -sql 'SELECT category || ":" || COUNT(*) AS c FROM services GROUP BY category ORDER BY category' | awk -F' = ' '/ = / {printf "%s%s", s, $2; s=" "}')"

# Every row has an id, unique in its layer (OSM areas: osm_id or osm_way_id).
for l in communes roads cycle_routes services brownfields flood_zones population; do
  expect_eq "$l: rows without id" 0 "$(sql "SELECT COUNT(*) FROM $l WHERE id IS NULL")"
  expect_eq "$l: duplicate ids" 0 "$(sql "SELECT COUNT(*) - COUNT(DISTINCT id) FROM $l")"
done

# Vaduz's area against an independent reprojection by ogr2ogr (same PBF, GDAL's
# OSM driver, PROJ through GDAL), measured by SQLite/SpatiaLite's ST_Area.
OSM_CONFIG_FILE="$L/osmconf.ini" ogr2ogr -q -f GPKG vaduz.gpkg "$L/data/liechtenstein-2013-08-03.osm.pbf" multipolygons \
  -where "boundary = 'administrative' AND admin_level = '8' AND name = 'Vaduz'" -t_srs EPSG:32632 -nln vaduz
ref=$(ogrinfo -ro -q vaduz.gpkg -dialect sqlite -sql 'SELECT ST_Area(geom) AS a FROM vaduz' | awk -F' = ' '/ = / {print $2}')
ours=$(sql "SELECT ST_Area(geom) FROM communes WHERE name = 'Vaduz'")
expect_near "Vaduz area vs ogr2ogr + ST_Area ($ref m2)" "$ref" "$ours" 0.005
# ... and the official 17.3 km2 of the statistics office, loosely (boundaries differ).
expect_near "Vaduz area vs 17.3 km2" 17300000 "$ours" 0.02

# Metadata: each table's source, filter and note.
"$PROXIMA" layers "$D" >layers.txt
grep -q "flood_zones .*MULTIPOLYGON *2 " layers.txt || fail "layers lists flood_zones with 2 rows"
grep -q "note: proxy: bands along rivers" layers.txt || fail "layers shows the flood proxy note"
grep -q "filter: boundary = 'administrative' AND admin_level = '8'" layers.txt || fail "layers shows the communes filter"

# Every layer exports to GeoJSON and reads back through GDAL with its row count.
for l in communes roads cycle_routes services brownfields flood_zones population; do
  "$PROXIMA" export "$D" "$l" -o "$l.geojson" 2>/dev/null || fail "export $l"
  expect_eq "$l round-trip count" "$(sql "SELECT COUNT(*) FROM $l")" "$(ogr_count "$l.geojson")"
done

# Loading again replaces the layers (no duplicates).
"$PROXIMA" --quiet load "$D" "$L/demo-liechtenstein.yaml" 2>/dev/null || fail "second load"
expect_eq "communes after a reload" 11 "$(sql 'SELECT COUNT(*) FROM communes')"
expect_eq "water: rivers, streams, canals and lakes" "canal 5 river 4 stream 44 water 20" \
  "$(sql "SELECT group_concat(kind || ' ' || n, ' ') FROM (SELECT kind, count(*) AS n FROM water GROUP BY kind ORDER BY kind)")"
expect_eq "communes credited to OSM and the statistics office" \
  "© OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright); Population 2019: Amt für Statistik, Fürstentum Liechtenstein" \
  "$(sqlq "$D" "SELECT value FROM px_meta WHERE key = 'setting.attribution:communes'")"

# Vector tiles of the demo's polygon layers are valid at every zoom (MVT 2.1 4.3.4.4):
# decoded by GDAL (no clipping of its own) and checked by GEOS through SQLite's ST_IsValid.
# Before the GEOS clipping, z14 had 26 of 197 commune and 26 of 88 flood polygons invalid.
"$PROXIMA" -q tiles "$D" communes flood_zones brownfields water -o poly.mbtiles || fail "demo tiles"
for z in $(seq 0 14); do
  for l in communes flood_zones brownfields water; do
    r=$(ogrinfo -ro -q -oo ZOOM_LEVEL=$z -oo CLIP=NO poly.mbtiles -dialect sqlite -sql \
      "SELECT count(*) AS n, sum(CASE WHEN ST_IsValid(geometry) THEN 0 ELSE 1 END) AS bad FROM \"$l\"
       WHERE ST_GeometryType(geometry) LIKE '%POLYGON%'" 2>/dev/null |
      awk -F' = ' '/ n \(/ {n = $2} / bad \(/ {b = $2} END {print (b == "" || b == "(null)" ? 0 : b) "/" n + 0}')
    case "$r" in 0/*) ;; *) fail "z$z $l: $r polygons invalid" ;; esac
    [ "$z" = 14 ] && [ "$l" = communes ] && expect_eq "z14 commune polygons decoded" "0/197" "$r"
  done
done
finish
