# proxima serve over HTTP (curl): every endpoint's status, headers and body,
# tiles decoded by GDAL's MVT driver, a box query checked feature by feature,
# hostile requests refused with 4xx and a JSON error, the server still up.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/serve_lib.sh"

build_project p.sqlite
sum_before=$(sha256sum p.sqlite | cut -d' ' -f1)
start_server p.sqlite serve.log --threads 2

# status CODE PATH [CURL ARGS...]
status() { rm -f body headers; touch body; curl -s --path-as-is -o body -D headers -w '%{http_code}' "${@:3}" "$URL$2"; }
expect_status() { local got; got=$(status "$@"); expect_eq "GET $2" "$1" "$got"; }
header() { tr -d '\r' <headers | awk -v k="$1" 'BEGIN { IGNORECASE = 1 } index(tolower($0), tolower(k) ": ") == 1 { sub(/^[^:]*: /, ""); print }'; }
json() { python3 -c "import json, sys; d = json.load(open('body')); print($1)"; }

# ---- health, catalog, viewer ------------------------------------------------
expect_status 200 /health
expect_eq "health" "ok p 2" "$(json 'd["status"], d["project"], d["styles"] >= 2 and 2')"
expect_eq "health type" "application/json" "$(header content-type)"
expect_status 200 /
grep -q 'viewer/maplibre-gl.js' body || fail "/ is not the viewer page"
expect_eq "viewer type" "text/html; charset=utf-8" "$(header content-type)"
expect_status 200 /viewer/maplibre-gl.js
[ "$(wc -c <body)" -gt 100000 ] || fail "maplibre-gl.js is too small"
expect_status 200 /viewer/catalog.json
expect_eq "catalog styles" "base quarter-hour" "$(json '" ".join(s["name"] for s in d["styles"])')"
expect_eq "catalog tables" "access_communes" "$(json '" ".join(t["name"] for t in d["tables"])')"
expect_eq "catalog labels" "labels/communes.geojson" "$(json 'd["labels"]')"

# ---- vector tiles -------------------------------------------------------------
# The synthetic region lies around EPSG:2154 (500000..507150, 6000000..6007150).
read -r lon lat <<<"$(echo 503500 6003500 | gdaltransform -s_srs EPSG:2154 -t_srs EPSG:4326 -output_xy)"
read -r z x y <<<"$(python3 -c "import math; lon, lat, z = $lon, $lat, 13; n = 1 << z
print(z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))")"
expect_status 200 "/tiles/communes/$z/$x/$y.pbf"
expect_eq "tile type" "application/vnd.mapbox-vector-tile" "$(header content-type)"
expect_eq "tile encoding" "gzip" "$(header content-encoding)"
expect_eq "tile cache" "public, max-age=3600" "$(header cache-control)"
etag=$(header etag)
[[ "$etag" =~ ^\"[0-9a-f]{16}\"$ ]] || fail "etag '$etag'"
gunzip -c body >tile.pbf || fail "tile is not gzip"
ogrinfo -ro -al -oo X="$x" -oo Y="$y" -oo Z="$z" tile.pbf >tile.txt 2>&1 || fail "GDAL cannot read the tile"
grep -q "^Layer name: communes" tile.txt || fail "tile has no communes layer"
n_feat=$(awk -F': ' '/^Feature Count/ {print $2}' tile.txt)
[ "${n_feat:-0}" -ge 1 ] || fail "tile has no feature"
grep -q "name (String) = Commune " tile.txt || fail "tile lacks commune names"
# Same again: same bytes (from the cache), same ETag; If-None-Match -> 304.
cp body first.gz
expect_status 200 "/tiles/communes/$z/$x/$y.pbf"
cmp -s body first.gz || fail "second answer differs"
expect_eq "etag stable" "$etag" "$(header etag)"
expect_status 304 "/tiles/communes/$z/$x/$y.pbf" -H "If-None-Match: $etag"
[ ! -s body ] || fail "304 with a body"
# A tile far from the region is empty: 204.
expect_status 204 "/tiles/communes/13/0/0.pbf"
# The log: one line per request, with the cache outcome.
grep -q "^GET /tiles/communes/$z/$x/$y.pbf 200 [0-9]* [0-9.]*ms miss$" serve.log || fail "log lacks the miss"
grep -q "^GET /tiles/communes/$z/$x/$y.pbf 200 [0-9]* [0-9.]*ms hit$" serve.log || fail "log lacks the hit"

# ---- raster tiles ---------------------------------------------------------------
expect_status 200 "/tiles/base/$z/$x/$y.png"
expect_eq "png type" "image/png" "$(header content-type)"
expect_eq "png magic" "89504e47" "$(head -c 4 body | od -An -tx1 | tr -d ' \n')"

# ---- TileJSON and styles ----------------------------------------------------------
expect_status 200 /communes.json
expect_eq "tilejson" "3.0.0 $URL/tiles/communes/{z}/{x}/{y}.pbf 0 14 communes" \
  "$(json 'd["tilejson"], d["tiles"][0], d["minzoom"], d["maxzoom"], d["vector_layers"][0]["id"]')"
expect_eq "tilejson bounds" "ok" "$(json '"ok" if len(d["bounds"]) == 4 and d["bounds"][0] < '"$lon"' < d["bounds"][2] and d["bounds"][1] < '"$lat"' < d["bounds"][3] else d["bounds"]')"
expect_status 200 /styles/quarter-hour.json
expect_eq "style sources" "access_communes,access_origins $URL/tiles/access_communes/{z}/{x}/{y}.pbf" \
  "$(json '",".join(sorted(d["sources"])), d["sources"]["access_communes"]["tiles"][0]')"
expect_eq "style layers use them" "ok" \
  "$(json '"ok" if all(l["source"] in d["sources"] for l in d["layers"] if "source" in l) else "no"')"
expect_status 404 /styles/flood.json   # no flood zones in this project
json 'd["error"]' | grep -q "no style 'flood'" || fail "404 style error: $(cat body)"

# ---- features ------------------------------------------------------------------------
bbox=$(python3 -c "print('%.6f,%.6f,%.6f,%.6f' % ($lon - 0.01, $lat - 0.01, $lon + 0.01, $lat + 0.01))")
expect_status 200 "/features/services?bbox=$bbox&limit=1000"
expect_eq "features type" "application/geo+json" "$(header content-type)"
ogr2ogr -f GeoJSON -spat ${bbox//,/ } all_in_box.geojson p.sqlite services 2>/dev/null || true
expect_eq "features in the box" "ok" "$(python3 -c "
import json
d = json.load(open('body')); w, s, e, n = $bbox
pts = [f['geometry']['coordinates'] for f in d['features']]
print('ok' if pts and all(w <= x <= e and s <= y <= n for x, y in pts) and d['type'] == 'FeatureCollection' else pts[:3])")"
# The same count as SpatiaLite finds in the box (reprojected by ogr2ogr).
want=$(ogr2ogr -f GeoJSON -t_srs EPSG:4326 /vsistdout/ p.sqlite services 2>/dev/null | python3 -c "
import json, sys; w, s, e, n = $bbox
print(sum(1 for f in json.load(sys.stdin)['features'] if w <= f['geometry']['coordinates'][0] <= e and s <= f['geometry']['coordinates'][1] <= n))")
expect_eq "features count" "$want" "$(json 'len(d["features"])')"
expect_status 200 "/features/communes?limit=2"
expect_eq "limit" "2 Commune" "$(json 'len(d["features"]), d["features"][0]["properties"]["name"].split()[0]')"

# ---- tables -----------------------------------------------------------------------------
expect_status 200 /tables/access_communes.json
expect_eq "table rows" "15 ok" "$(json 'len(d["rows"]), "ok" if any(r["commune_id"] == "*" for r in d["rows"]) else "no region row"')"
expect_status 200 /tables/access_communes.csv
expect_eq "csv type" "text/csv; charset=utf-8" "$(header content-type)"
expect_eq "csv header" "commune_id" "$(head -1 body | cut -d, -f1)"
expect_eq "csv rows" "16" "$(wc -l <body | tr -d ' ')"
expect_status 200 /labels/communes.geojson
expect_eq "labels" "14 Point" "$(json 'len(d["features"]), d["features"][0]["geometry"]["type"]')"

# ---- hostile and malformed requests: 4xx with a JSON error -----------------------------
hostile() {
  local want=$1 path=$2; shift 2
  local got
  got=$(status "$want" "$path" "$@")
  expect_eq "$path" "$want" "$got"
  if [ "$want" != 405 ] || [ -s body ]; then
    python3 -c "import json; d = json.load(open('body')); assert d['status'] == $want and d['error']" 2>/dev/null ||
      fail "$path: not a JSON error: $(head -c 200 body)"
  fi
}
hostile 400 "/tiles/../../../etc/passwd"
hostile 400 "/tiles/communes/../../p.sqlite"
hostile 400 "/../p.sqlite"
hostile 400 "/%2e%2e/%2e%2e/etc/passwd"
hostile 404 "/p.sqlite"
hostile 400 "/tiles/communes/99/0/0.pbf"
hostile 400 "/tiles/communes/3/8/0.pbf"
hostile 400 "/tiles/communes/3/0/99999999999999999999.pbf"
hostile 400 "/tiles/communes/-1/0/0.pbf"
hostile 400 "/tiles/communes/a/b/c.pbf"
hostile 400 "/tiles/communes/1/0/0.exe"
hostile 400 "/tiles/COMMUNES/1/0/0.pbf"
hostile 404 "/tiles/nosuch/1/0/0.pbf"
hostile 400 "/tiles/base/21/0/0.png"
hostile 400 "/features/services?limit=100000000"
hostile 400 "/features/services?limit=-5"
hostile 400 "/features/services?bbox=1,2,3"
hostile 400 "/features/services?bbox=10,50,5,40"
hostile 400 "/features/services?bbox=nan,1,2,3"
hostile 400 "/features/services?bbox=-500,0,0,0"
hostile 404 "/features/nosuch"
hostile 404 "/tables/net_edges.json"
hostile 400 "/tables/access_communes.exe"
hostile 404 "/nosuch.json"
hostile 405 "/health" -X POST -d 'x=1'
hostile 405 "/health" -X DELETE
hostile 414 "/tiles/$(head -c 5000 /dev/zero | tr '\0' a)/1/0/0.pbf"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/$(head -c 100000 /dev/zero | tr '\0' a)")
[[ "$code" =~ ^4 ]] || fail "100 kB URL: $code"
# A slow client that never finishes its request is dropped by the idle
# timeout (10 s), while others are served meanwhile.
python3 - "$PORT" >slow.txt <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
s.settimeout(20)
t = time.time()
try:
    data = s.recv(1000)
except OSError:
    data = b"?"
print("closed" if data == b"" else "open", round(time.time() - t))
PY
slow=$!
sleep 0.5
expect_status 200 /health
wait "$slow" || true
read -r outcome secs <slow.txt
expect_eq "slow client" "closed" "$outcome"
[ "${secs:-99}" -le 15 ] || fail "slow client held for $secs s"
# Still up after all of it; the project is unchanged.
expect_status 200 /health
kill -0 "${PX_BG_PIDS[0]}" 2>/dev/null || fail "server died"
expect_eq "project unchanged" "$sum_before" "$(sha256sum p.sqlite | cut -d' ' -f1)"

# ---- MBTiles beside the project are served when they hold a style's layers ------------------
mkdir mb && cp p.sqlite mb/p.sqlite
"$PROXIMA" -q tiles mb/p.sqlite communes roads services -o mb/basemap.mbtiles --maxzoom 13 >/dev/null 2>&1
start_server mb/p.sqlite mb.log
expect_status 200 /styles/base.json
expect_eq "base style from MBTiles" "basemap $URL/tiles/basemap/{z}/{x}/{y}.pbf" \
  "$(json '",".join(sorted(d["sources"])), d["sources"]["basemap"]["tiles"][0]')"
expect_status 200 "/tiles/basemap/$z/$x/$y.pbf"
gunzip -c body >mbtile.pbf
expect_eq "MBTiles tile layers" "communes roads services" \
  "$(ogrinfo -ro -q -oo X="$x" -oo Y="$y" -oo Z="$z" mbtile.pbf | sed 's/^[0-9]*: \([a-z_]*\).*/\1/' | sort | xargs)"

# ---- usage errors -------------------------------------------------------------------------------
expect_fail 2 "--port 70000: want a whole number from 0 to 65535" "$PROXIMA" serve p.sqlite --port 70000
expect_fail 2 "missing PROJECT" "$PROXIMA" serve
expect_fail 1 "nosuch.sqlite" "$PROXIMA" serve nosuch.sqlite --port 0
expect_fail 2 "is not an IPv4 or IPv6 address" "$PROXIMA" serve p.sqlite --bind localhost
finish
