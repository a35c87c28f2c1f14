# Output paths are checked before anything changes (issue 10, item 2.2): for
# access, equity, flood, brownfields, cycle, isochrone, tiles and export, an
# output folder that cannot be created or written fails with exit 1 and a
# message naming it, the project stays byte-identical and no file is left
# behind; a missing output folder is created (mkdir -p) and filled.
source "$(dirname "$0")/lib.sh"
SCEN="$PX_SOURCE_DIR/layers/scenarios/mutafriches-like.yaml"

"$PROXIMA" -q synth s.sqlite --nodes 400 --seed 3 || fail "synth"
"$PROXIMA" -q network s.sqlite >/dev/null || fail "network"
crs='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}'
cat > zones.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"z1","hazard":"fort"},"geometry":{"type":"Polygon","coordinates":[[[500500,5999000],[500900,5999000],[500900,6003000],[500500,6003000],[500500,5999000]]]}}]}
JSON
cat > sites.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"A","name":"Wet","kind":"industrial"},"geometry":{"type":"Polygon","coordinates":[[[500600,6000600],[500800,6000600],[500800,6000800],[500600,6000800],[500600,6000600]]]}},
{"type":"Feature","properties":{"id":"B","name":"Dry","kind":"commercial"},"geometry":{"type":"Polygon","coordinates":[[[501200,6001200],[501400,6001200],[501400,6001400],[501200,6001400],[501200,6001200]]]}}]}
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
"$PROXIMA" -q load s.sqlite extra.yaml >/dev/null || fail "load extra layers"
echo "not a folder" > blocker

# refused WHAT MESSAGE CMD...: exit 1 with MESSAGE, the project's bytes and the
# working folder's listing unchanged.
refused() {
  local what=$1 msg=$2; shift 2
  local sum ls_before
  sum=$(sha256sum s.sqlite | cut -d' ' -f1)
  ls_before=$(find . -path ./err.txt -prune -o -path ./out.txt -prune -o -print | sort)
  expect_fail 1 "$msg" "$@"
  expect_eq "$what: project bytes" "$sum" "$(sha256sum s.sqlite | cut -d' ' -f1)"
  expect_eq "$what: no file left" "$ls_before" \
    "$(find . -path ./err.txt -prune -o -path ./out.txt -prune -o -print | sort)"
}

# An output folder whose parent is a file cannot be created.
nodir="blocker/out: cannot create the output folder: Not a directory"
refused "access -o" "access: $nodir" "$PROXIMA" access s.sqlite -o blocker/out
refused "equity -o" "equity: $nodir" "$PROXIMA" equity s.sqlite -o blocker/out
refused "flood -o" "flood: $nodir" "$PROXIMA" flood s.sqlite --hazard high -o blocker/out
refused "brownfields -o" "brownfields: $nodir" "$PROXIMA" brownfields s.sqlite --scenario "$SCEN" -o blocker/out
refused "cycle --links-geojson" "cycle: $nodir" "$PROXIMA" cycle s.sqlite --links-geojson blocker/out/links.geojson
refused "isochrone -o" "isochrone: $nodir" "$PROXIMA" isochrone s.sqlite --xy 500500,6000500 -o blocker/out/iso.geojson
refused "tiles -o" "tiles: $nodir" "$PROXIMA" tiles s.sqlite communes -o blocker/out/t.mbtiles
refused "tiles --tile -o" "tiles: $nodir" "$PROXIMA" tiles s.sqlite --style "$PX_SOURCE_DIR/styles/base.json" \
  --tile 10/520/360 -o blocker/out/t.png
refused "export -o" "export: $nodir" "$PROXIMA" export s.sqlite communes -o blocker/out/c.geojson
# A file name where a folder is wanted, and a folder where a file is wanted.
refused "equity -o FILE" "equity: blocker: cannot use as an output folder: Not a directory" \
  "$PROXIMA" equity s.sqlite -o blocker
mkdir -p adir
refused "export -o DIR" "export: adir: is a folder, a file name was expected" \
  "$PROXIMA" export s.sqlite communes -o adir
refused "isochrone -o DIR/" "isochrone: adir/: is a folder, a file name was expected" \
  "$PROXIMA" isochrone s.sqlite --xy 500500,6000500 -o adir/

# A folder that exists but cannot be written (permissions do not bind root).
if [ "$(id -u)" != 0 ]; then
  mkdir ro && chmod 555 ro
  ro="ro: cannot write in the output folder: Permission denied"
  refused "flood -o ro" "flood: $ro" "$PROXIMA" flood s.sqlite -o ro
  refused "equity -o ro" "equity: $ro" "$PROXIMA" equity s.sqlite -o ro
  refused "access -o ro" "access: $ro" "$PROXIMA" access s.sqlite -o ro
  refused "cycle ro/" "cycle: $ro" "$PROXIMA" cycle s.sqlite --links-geojson ro/l.geojson
  refused "isochrone ro/" "isochrone: $ro" "$PROXIMA" isochrone s.sqlite --xy 500500,6000500 -o ro/i.geojson
  refused "brownfields -o ro" "brownfields: $ro" "$PROXIMA" brownfields s.sqlite --scenario "$SCEN" -o ro
  refused "tiles ro/" "tiles: $ro" "$PROXIMA" tiles s.sqlite communes -o ro/t.mbtiles
  refused "export ro/" "export: $ro" "$PROXIMA" export s.sqlite communes -o ro/c.csv
  refused "ro/sub" "flood: ro/sub: cannot create the output folder: Permission denied" \
    "$PROXIMA" flood s.sqlite -o ro/sub
  chmod 755 ro
else
  echo "note: running as root: the permission cases are not exercised" >&2
fi

# Missing folders are created, with their parents, and filled.
"$PROXIMA" -q flood s.sqlite --hazard high -o new/flood >/dev/null || fail "flood -o new/flood"
for f in flood_exposure.csv flood_exposure.geojson flood_scenario_communes.csv flood_scenario_origins.csv; do
  [ -s "new/flood/$f" ] || fail "flood: new/flood/$f missing"
done
expect_eq "flood_exposure.csv rows = table rows + header" \
  "$(($(sqlite3 s.sqlite 'SELECT count(*) FROM flood_exposure') + 1))" "$(wc -l < new/flood/flood_exposure.csv)"
"$PROXIMA" -q equity s.sqlite --modes walk -o new/equity/ >/dev/null || fail "equity -o new/equity/"
expect_eq "equity files" "equity_communes.csv equity_communes.geojson equity_lorenz.csv equity_summary.csv equity_underserved.csv" \
  "$(ls new/equity | tr '\n' ' ' | sed 's/ $//')"
"$PROXIMA" -q access s.sqlite --modes walk -o new/access >/dev/null || fail "access -o new/access"
expect_eq "access_communes.csv rows = table rows + header" \
  "$(($(sqlite3 s.sqlite 'SELECT count(*) FROM access_communes') + 1))" "$(wc -l < new/access/access_communes.csv)"
expect_eq "access_origins.csv rows = origins + header" \
  "$(($(sqlite3 s.sqlite 'SELECT count(*) FROM population') + 1))" "$(wc -l < new/access/access_origins.csv)"
expect_eq "access GeoJSON features = communes + region" \
  "$(sqlite3 s.sqlite 'SELECT count(*) FROM access_communes')" "$(ogr_count new/access/access_communes.geojson)"
"$PROXIMA" -q brownfields s.sqlite --scenario "$SCEN" -o new/bf >/dev/null || fail "brownfields -o new/bf"
expect_eq "brownfield_sites.csv rows" 3 "$(wc -l < new/bf/brownfield_sites.csv)"
"$PROXIMA" -q cycle s.sqlite --top 5 --links-geojson new/cycle/links.geojson >/dev/null || fail "cycle"
expect_eq "missing links exported" "$(sqlite3 s.sqlite 'SELECT count(*) FROM cycle_missing_links')" \
  "$(ogr_count new/cycle/links.geojson)"
"$PROXIMA" -q isochrone s.sqlite --xy 500500,6000500 --minutes 2,4 -o new/iso/iso.geojson || fail "isochrone"
expect_eq "isochrone bands exported" 2 "$(ogr_count new/iso/iso.geojson)"
# Origins keep the order they were given in, --lonlat and --xy mixed.
ll=$(echo "500600 6000600" | cs2cs -f %.9f EPSG:2154 EPSG:4326 | awk '{print $2 "," $1}')
"$PROXIMA" -q isochrone s.sqlite --xy 500500,6000500 --lonlat "$ll" --xy 500700,6000700 --minutes 2 || fail "mixed origins"
expect_eq "origins in order" "500500,6000500 $ll 500700,6000700" \
  "$(sqlite3 s.sqlite 'SELECT origin FROM isochrones ORDER BY fid' | tr '\n' ' ' | sed 's/ $//')"
"$PROXIMA" -q tiles s.sqlite communes --maxzoom 8 -o new/tiles/t.mbtiles || fail "tiles"
expect_eq "mbtiles has tiles" 1 "$(sqlite3 new/tiles/t.mbtiles 'SELECT count(*) > 0 FROM tiles')"
"$PROXIMA" -q export s.sqlite communes -o new/export/c.csv || fail "export"
expect_eq "export rows" "$(($(sqlite3 s.sqlite 'SELECT count(*) FROM communes') + 1))" "$(wc -l < new/export/c.csv)"
# No probe file is left anywhere.
expect_eq "no probe files" "" "$(find . -name '.proxima-probe-*')"
finish
