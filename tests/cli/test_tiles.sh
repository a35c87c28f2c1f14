# proxima tiles end to end: vector tiles to MBTiles and to a folder, decoded by
# GDAL's MVT reader (an independent decoder); raster tiles; errors and exit codes.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
P=$(proj p) G=$(proj g)
DATA="$PX_SOURCE_DIR/tests/cli/data"

"$PROXIMA" -q init "$P" --crs EPSG:2154
"$PROXIMA" -q load "$P" "$DATA/tiles-fixture.yaml" >/dev/null

# ---- vector tiles to MBTiles ------------------------------------------------
"$PROXIMA" tiles "$P" -o t.mbtiles --maxzoom 10 2>err.txt || fail "tiles to MBTiles"
grep -q "tiles: t.mbtiles: .* from 5 features" err.txt || fail "report: $(cat err.txt)"
meta() { sqlite3 t.mbtiles "SELECT value FROM metadata WHERE name = '$1'"; }
expect_eq "format" "pbf" "$(meta format)"
expect_eq "minzoom" "0" "$(meta minzoom)"
expect_eq "maxzoom" "10" "$(meta maxzoom)"
expect_eq "bounds" "2.300000,48.800000,2.400000,48.850000" "$(meta bounds)"
expect_eq "vector_layers" "communes:id,name,population services:id,category,name,capacity" \
  "$(meta json | python3 -c 'import json,sys; j=json.load(sys.stdin)
print(" ".join(l["id"] + ":" + ",".join(l["fields"]) for l in j["vector_layers"]))')"
# Attribution: the sources' credits from the layer definition, each once.
expect_eq "attribution" "Communes: IGN Admin Express (test); © OpenStreetMap contributors" "$(meta attribution)"
expect_eq "field types" "String Number" \
  "$(meta json | python3 -c 'import json,sys; f=json.load(sys.stdin)["vector_layers"][0]["fields"]; print(f["name"], f["population"])')"

# At the max zoom, GDAL reads back every feature with its attributes, where it was
# (the MBTiles rows are TMS: a wrong flip would put them in the southern hemisphere).
ogr2ogr -f GeoJSON -t_srs EPSG:4326 -oo ZOOM_LEVEL=10 services.geojson t.mbtiles services 2>/dev/null
ogr2ogr -f GeoJSON -t_srs EPSG:4326 -oo ZOOM_LEVEL=10 communes.geojson t.mbtiles communes 2>/dev/null
expect_eq "services at z10" "3" "$(ogr_count services.geojson)"
expect_eq "communes at z10" "2" "$(ogr_count communes.geojson)"
expect_eq "service positions" "École 1 school 2.3100 48.8100|Cabinet doctor 2.3700 48.8300|École 2 school 2.3900 48.8400" \
  "$(python3 -c 'import json
fs = sorted(json.load(open("services.geojson"))["features"], key=lambda f: f["properties"]["id"])
print("|".join("%s %s %.4f %.4f" % (f["properties"]["name"], f["properties"]["category"], *f["geometry"]["coordinates"]) for f in fs))')"
expect_eq "commune Beta" "Beta 800 2.3500 2.4000 48.8000 48.8500" \
  "$(python3 -c 'import json
f = [f for f in json.load(open("communes.geojson"))["features"] if f["properties"]["id"] == "B"][0]
xs = [c[0] for r in f["geometry"]["coordinates"] for c in r]; ys = [c[1] for r in f["geometry"]["coordinates"] for c in r]
print(f["properties"]["name"], int(f["properties"]["population"]), "%.4f %.4f %.4f %.4f" % (min(xs), max(xs), min(ys), max(ys)))')"

# ---- vector tiles to a folder with TileJSON ---------------------------------
"$PROXIMA" -q tiles "$P" communes:name -o xyz --minzoom 8 --maxzoom 10 || fail "tiles to folder"
expect_eq "tilejson" "3.0.0 {z}/{x}/{y}.pbf 8 10 name" \
  "$(python3 -c 'import json; j=json.load(open("xyz/tiles.json"))
print(j["tilejson"], j["tiles"][0], j["minzoom"], j["maxzoom"], ",".join(j["vector_layers"][0]["fields"]))')"
# The z10 tile holding (2.31, 48.81) holds both communes (they meet at 2.35).
tile=$(python3 -c 'import math; lon, lat, n = 2.31, 48.81, 1 << 10
print(int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))')
x=${tile% *}; y=${tile#* }
[ -f "xyz/10/$x/$y.pbf" ] || fail "no tile xyz/10/$x/$y.pbf"
expect_eq "layers of 10/$x/$y" "communes" "$(ogrinfo -ro -q "xyz/10/$x/$y.pbf" | sed 's/^[0-9]*: \([a-z_]*\).*/\1/' | tr '\n' ' ' | xargs)"
expect_eq "kept attributes only" "1" "$(ogrinfo -ro -al "xyz/10/$x/$y.pbf" | grep -c '^name: String')"
expect_eq "no other attribute" "0" "$(ogrinfo -ro -al "xyz/10/$x/$y.pbf" | grep -c '^population: ')"
[ ! -e "xyz/0" ] || fail "zooms below --minzoom were written"
expect_eq "TileJSON attribution" "Communes: IGN Admin Express (test); © OpenStreetMap contributors" \
  "$(python3 -c 'import json; print(json.load(open("xyz/tiles.json"))["attribution"])')"
# Rewriting a tile folder replaces it; a folder that is not one is refused.
"$PROXIMA" -q tiles "$P" services -o xyz --minzoom 9 --maxzoom 9 || fail "replace tile folder"
expect_eq "services only: OSM only" "© OpenStreetMap contributors" \
  "$(python3 -c 'import json; print(json.load(open("xyz/tiles.json"))["attribution"])')"
[ ! -e "xyz/10" ] || fail "old tiles left in the replaced folder"
mkdir precious
expect_fail 1 "precious: exists and is not a Proxima tile folder" "$PROXIMA" tiles "$P" -o precious

# ---- size cap ---------------------------------------------------------------
# 400 services with long distinct names in one tile, capped at 4 KiB: features are
# dropped, the count reported on stderr, the tile stored under the cap.
python3 -c 'import json
fs = [{"type": "Feature", "properties": {"id": "p%d" % i, "category": "school", "name": "service number %d of the grid" % i},
       "geometry": {"type": "Point", "coordinates": [2.3 + (i % 20) * 0.005, 48.8 + (i // 20) * 0.0025]}} for i in range(400)]
json.dump({"type": "FeatureCollection", "features": fs}, open("grid.geojson", "w"))'
printf 'layers:\n  services:\n    source: grid.geojson\n' > grid.yaml
"$PROXIMA" -q init "$G" --crs EPSG:2154
"$PROXIMA" -q load "$G" grid.yaml >/dev/null
"$PROXIMA" -q tiles "$G" -o cap.mbtiles --maxzoom 0 --max-tile-kb 4 2>err.txt || fail "capped run"
dropped=$(sed -n 's/^proxima: tiles: 1 tile(s) over the size cap; \([0-9]*\) feature(s) dropped to fit$/\1/p' err.txt)
[ -n "$dropped" ] && [ "$dropped" -gt 0 ] && [ "$dropped" -lt 400 ] || fail "drop count not reported: $(cat err.txt)"
expect_eq "stored size under the cap" "1" "$(sqlite3 cap.mbtiles 'SELECT length(tile_data) <= 4096 FROM tiles')"
expect_eq "features left" "$((400 - ${dropped:-0}))" \
  "$(ogrinfo -ro -so -oo ZOOM_LEVEL=0 cap.mbtiles services | sed -n 's/^Feature Count: //p')"

# ---- raster tiles -----------------------------------------------------------
cat > style.json <<'JSON'
{"version": 8, "sources": {"p": {"type": "vector", "tiles": ["/t/{z}/{x}/{y}.pbf"]}},
 "layers": [{"id": "c", "type": "fill", "source": "p", "source-layer": "communes",
             "paint": {"fill-color": ["step", ["get", "population"], "#0000ff", 1000, "#ff0000"]}}]}
JSON
"$PROXIMA" -q tiles "$P" --style style.json -o r.mbtiles --minzoom 10 --maxzoom 11 || fail "raster MBTiles"
expect_eq "raster format" "png" "$(sqlite3 r.mbtiles "SELECT value FROM metadata WHERE name = 'format'")"
expect_eq "raster attribution" "Communes: IGN Admin Express (test); © OpenStreetMap contributors" \
  "$(sqlite3 r.mbtiles "SELECT value FROM metadata WHERE name = 'attribution'")"
expect_eq "raster tiles are PNG" "0" "$(sqlite3 r.mbtiles "SELECT count(*) FROM tiles WHERE hex(substr(tile_data, 1, 4)) != '89504E47'")"
[ "$(sqlite3 r.mbtiles 'SELECT count(*) FROM tiles')" -ge 2 ] || fail "raster tiles written"
"$PROXIMA" -q tiles "$P" --style style.json --tile "10/$x/$y" -o one.png --2x || fail "one tile"
expect_eq "PNG size" "512x512" "$(python3 -c 'import struct; d=open("one.png","rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))')"
"$PROXIMA" -q tiles "$P" --style style.json -o rx --minzoom 10 --maxzoom 10 --2x || fail "raster folder"
ls rx/10/*/*@2x.png >/dev/null 2>&1 || fail "@2x file names"

# A layer marked optional (metadata "proxima:optional") on a table the project
# lacks draws nothing; the others still draw.
cat > opt.json <<'JSON'
{"version": 8, "sources": {"p": {"type": "vector", "tiles": ["/t/{z}/{x}/{y}.pbf"]}},
 "layers": [{"id": "w", "type": "fill", "source": "p", "source-layer": "water", "metadata": {"proxima:optional": true},
             "paint": {"fill-color": "#0000ff"}},
            {"id": "c", "type": "fill", "source": "p", "source-layer": "communes", "paint": {"fill-color": "#ff0000"}}]}
JSON
"$PROXIMA" -q tiles "$P" --style opt.json -o ropt.mbtiles --minzoom 10 --maxzoom 10 || fail "optional layer on a missing table"
[ "$(sqlite3 ropt.mbtiles 'SELECT count(*) FROM tiles')" -ge 1 ] || fail "optional: the other layers draw"

# ---- errors -----------------------------------------------------------------
expect_fail 1 "no layer or table 'ghost'" "$PROXIMA" tiles "$P" ghost -o g.mbtiles
[ ! -e g.mbtiles ] || fail "a failed run left g.mbtiles"
expect_fail 1 "table 'communes' has no column 'nope'" "$PROXIMA" tiles "$P" communes:nope -o g.mbtiles
expect_fail 2 "missing -o/--output OUT" "$PROXIMA" tiles "$P"
expect_fail 2 "--maxzoom 25: want a whole number from 0 to 20" "$PROXIMA" tiles "$P" -o g.mbtiles --maxzoom 25
expect_fail 2 "--tile-size: unknown value '300' (valid: 256, 512)" "$PROXIMA" tiles "$P" --style style.json -o g.mbtiles --tile-size 300
expect_fail 2 "--tile needs --style" "$PROXIMA" tiles "$P" --tile 1/0/0 -o g.png
expect_fail 2 "--tile wants Z/X/Y" "$PROXIMA" tiles "$P" --style style.json --tile 1/5/0 -o g.png
cat > bad.json <<'JSON'
{"version": 8, "sources": {}, "layers": [{"id": "heat", "type": "heatmap", "source-layer": "communes"}]}
JSON
expect_fail 1 "bad.json: layer 'heat': layer type 'heatmap' is not supported" "$PROXIMA" tiles "$P" --style bad.json -o g.mbtiles
cat > bad2.json <<'JSON'
{"version": 8, "sources": {}, "layers": [{"id": "c", "type": "fill", "source-layer": "communes",
  "paint": {"fill-color": ["case", ["feature-state", "hover"], "red", "blue"]}}]}
JSON
expect_fail 1 "bad2.json: layer 'c': paint 'fill-color': [1][0]: expression operator 'feature-state' is not supported" \
  "$PROXIMA" tiles "$P" --style bad2.json -o g.mbtiles
# Issue 13: a comparison with a missing operand crashed `tiles` (exit 139).
cat > bad3.json <<'JSON'
{"version": 8, "sources": {}, "layers": [{"id": "c", "type": "fill", "source-layer": "communes",
  "filter": ["==", ["get", "name"]]}]}
JSON
expect_fail 1 "bad3.json: layer 'c': filter: Expected two or three arguments." \
  "$PROXIMA" tiles "$P" --style bad3.json -o g.mbtiles
# Issue 13: circle-radius 1e308 hung cairo; a valid (if absurd) size is drawn capped.
cat > huge.json <<'JSON'
{"version": 8, "sources": {}, "layers": [{"id": "c", "type": "circle", "source-layer": "communes",
  "paint": {"circle-radius": 1e308, "circle-stroke-width": 1e308, "circle-color": "rgb(0% 0% 100% / 0.5)"}}]}
JSON
timeout 60 "$PROXIMA" -q tiles "$P" --style huge.json --tile "10/$x/$y" -o huge.png || fail "circle-radius 1e308"
[ -s huge.png ] || fail "circle-radius 1e308: no tile"
finish
