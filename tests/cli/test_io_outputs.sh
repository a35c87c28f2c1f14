# What the io branch guarantees beyond bad input: network exports carry ids so
# from_node/to_node resolve (GeoJSON feature id, CSV fid column); numbers are
# rounded by the column's unit; thin data is warned about but loads; an
# unmatched join's ids fall back to feature ids; --allow-empty empties a layer;
# stale temporary files of dead exports are removed by the next export.
source "$(dirname "$0")/lib.sh"
D="$PX_SOURCE_DIR/tests/fixtures/io/defs"

# --- ids in network exports (synthetic 400-node region) ---
"$PROXIMA" -q synth s.sqlite --nodes 400 --seed 1
"$PROXIMA" -q network s.sqlite >/dev/null
"$PROXIMA" export s.sqlite net_nodes -o nodes.geojson
"$PROXIMA" export s.sqlite net_edges -o edges.geojson
"$PROXIMA" export s.sqlite net_nodes -o nodes.csv
"$PROXIMA" export s.sqlite net_edges -o edges.csv
# GeoJSON: every edge's from_node/to_node is the id of the node at its first/last vertex.
res=$(python3 - <<'PY'
import json
nodes = {f["id"]: f["geometry"]["coordinates"] for f in json.load(open("nodes.geojson"))["features"]}
edges = json.load(open("edges.geojson"))["features"]
bad = 0
for e in edges:
    p = e["properties"]; c = e["geometry"]["coordinates"]
    a, b = nodes.get(p["from_node"]), nodes.get(p["to_node"])
    if a is None or b is None or a != c[0] or b != c[-1]:
        bad += 1
print(len(nodes), len(edges), bad)
PY
)
read -r n_nodes n_edges n_bad <<<"$res"
expect_eq "GeoJSON nodes = net_nodes rows" "$(sqlite3 s.sqlite 'SELECT COUNT(*) FROM net_nodes')" "$n_nodes"
expect_eq "GeoJSON edges = net_edges rows" "$(sqlite3 s.sqlite 'SELECT COUNT(*) FROM net_edges')" "$n_edges"
expect_eq "GeoJSON edges whose from/to node id is not the node at their ends" 0 "$n_bad"
# CSV: the first column is fid; from_node/to_node resolve to node rows with the same x, y.
expect_eq "nodes.csv header" "fid,component,island,degree,x,y" "$(head -1 nodes.csv)"
expect_eq "edges.csv first columns" "fid,from_node,to_node,length_m" "$(head -1 edges.csv | cut -d, -f1-4)"
unresolved=$(awk -F, 'NR == FNR { if (FNR > 1) id[$1] = 1; next } FNR > 1 && (!($2 in id) || !($3 in id)) { n++ } END { print n + 0 }' nodes.csv edges.csv)
expect_eq "CSV edges with an unresolved node" 0 "$unresolved"
expect_eq "CSV node fids = store fids" "$(sqlite3 s.sqlite "SELECT group_concat(fid) FROM (SELECT fid FROM net_nodes ORDER BY fid LIMIT 5)")" \
  "$(awk -F, 'NR > 1 && NR <= 6 { printf "%s%s", (NR > 2 ? "," : ""), $1 }' nodes.csv)"
# Rounding by unit: length_m to 0.1, walk_s to 0.1; the store keeps full precision.
fid=$(sqlite3 s.sqlite "SELECT fid FROM net_edges WHERE length_m <> round(length_m, 1) LIMIT 1")
[ -n "$fid" ] || fail "no edge with an unrounded length to check"
expect_eq "edge $fid length_m in CSV (0.1 m)" "$(sqlite3 s.sqlite "SELECT printf('%.1f', length_m) FROM net_edges WHERE fid = $fid" | sed 's/\.0$//')" \
  "$(awk -F, -v f="$fid" '$1 == f { print $4 }' edges.csv)"
long=$(awk -F, 'NR > 1 { for (i = 1; i <= NF; i++) if ($i ~ /\.[0-9][0-9]/) n++ } END { print n + 0 }' edges.csv)
expect_eq "CSV edge values with more than one decimal" 0 "$long"

# --- stale temporary files: a dead process's are removed, a live one's kept ---
sleep 30 & live=$!
dead=999999; while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
touch ".net_nodes.$dead.tmp.csv" ".net_nodes.$live.tmp.csv" ".net_nodes.$dead.tmp.gpkg-journal" ".net_edges.$dead.tmp.csv"
"$PROXIMA" export s.sqlite net_nodes -o nodes.csv
[ ! -e ".net_nodes.$dead.tmp.csv" ] || fail "a dead export's temporary file was not removed"
[ -e ".net_nodes.$live.tmp.csv" ] || fail "a live process's temporary file was removed"
[ -e ".net_edges.$dead.tmp.csv" ] || fail "another table's temporary file was removed"
"$PROXIMA" export s.sqlite net_nodes -o nodes.gpkg
[ ! -e ".net_nodes.$dead.tmp.gpkg-journal" ] || fail "a dead export's GeoPackage journal was not removed"
# The same for tiles: a killed `tiles` left OUT.tmp-PID (file, journal or folder).
mkdir -p "xyz.tmp-$dead/0/0" "xyz.tmp-$live"
touch "t.mbtiles.tmp-$dead" "t.mbtiles.tmp-$dead-journal" "xyz.tmp-$dead/0/0/0.pbf"
"$PROXIMA" -q tiles s.sqlite roads -o t.mbtiles --maxzoom 6 2>/dev/null || fail "tiles to MBTiles"
"$PROXIMA" -q tiles s.sqlite roads -o xyz --maxzoom 6 2>/dev/null || fail "tiles to a folder"
[ ! -e "t.mbtiles.tmp-$dead" ] && [ ! -e "t.mbtiles.tmp-$dead-journal" ] || fail "a killed tiles run's MBTiles temp was not removed"
[ ! -e "xyz.tmp-$dead" ] || fail "a killed tiles run's folder was not removed"
[ -d "xyz.tmp-$live" ] || fail "a live run's tile folder was removed"
[ -s t.mbtiles ] && [ -s xyz/tiles.json ] || fail "tiles not written"
touch "tile.png.tmp-$dead" "tile.png.tmp-$live"
"$PROXIMA" -q tiles s.sqlite --style "$PX_SOURCE_DIR/styles/base.json" --tile 15/16442/12275 -o tile.png || fail "one PNG tile"
[ ! -e "tile.png.tmp-$dead" ] && [ -e "tile.png.tmp-$live" ] || fail "a killed run's PNG temp removed, a live one's kept"
[ "$(head -c 4 tile.png | od -An -c | tr -d ' ')" = "211PNG" ] || fail "tile.png is not a PNG"
# A killed writer not yet reaped (a zombie: its parent never waits) is dead too.
bash -c 'sleep 0 & echo $! > zombie.pid; exec sleep 10' & holder=$!
for _ in $(seq 50); do
  [ -s zombie.pid ] && awk '{ s = $0; sub(/.*\) /, "", s); exit !(substr(s, 1, 1) == "Z") }' "/proc/$(cat zombie.pid)/stat" 2>/dev/null && break
  sleep 0.1
done
zpid=$(cat zombie.pid)
if awk '{ s = $0; sub(/.*\) /, "", s); exit !(substr(s, 1, 1) == "Z") }' "/proc/$zpid/stat" 2>/dev/null; then
  touch ".net_nodes.$zpid.tmp.csv"
  "$PROXIMA" export s.sqlite net_nodes -o nodes.csv
  [ ! -e ".net_nodes.$zpid.tmp.csv" ] || fail "a zombie writer's temporary file was not removed"
else
  echo "skipped: no zombie process to test with"
fi
kill "$holder" 2>/dev/null || true
kill "$live" 2>/dev/null || true

# --- thin data: warned, named, loaded ---
"$PROXIMA" init p.sqlite --crs EPSG:32632 2>/dev/null
"$PROXIMA" load p.sqlite "$D/filter-none.yaml" >report.txt 2>warn.txt || fail "filter-none load"
grep -qF "../zones.geojson:zones: the filter \"code = 'nobody'\" matches no feature" warn.txt || fail "filter warning: $(cat warn.txt)"
expect_eq "filter-none: communes loaded" 3 "$(awk '$1 == "communes" {print $3}' report.txt)"
"$PROXIMA" load p.sqlite "$D/join-none.yaml" >report.txt 2>warn.txt || fail "join-none load"
grep -qF "the join with ../pop.csv ('name' = 'name') matched none of the 3 features: its columns are empty and ids fall back to the feature id" warn.txt \
  || fail "join warning: $(cat warn.txt)"
expect_eq "join-none: ids are the feature ids, never NULL" "1,2,3" "$(sqlite3 p.sqlite "SELECT group_concat(id) FROM (SELECT coalesce(id, 'NULL') AS id FROM communes ORDER BY fid)")"
"$PROXIMA" load p.sqlite "$D/negative-population.yaml" >report.txt 2>warn.txt || fail "negative population load"
grep -qF "communes2:1: column 'population': -5 is out of range (0 to 1e12)" warn.txt || fail "negative population named: $(cat warn.txt)"
grep -qF "communes2:2: column 'population': 'inf' is not a number" warn.txt || fail "infinite population named: $(cat warn.txt)"
expect_eq "negative population: loaded rejected" "1 2" "$(awk '$1 == "communes" {print $3, $5}' report.txt)"
# --allow-empty: the layer really is emptied, with a warning.
"$PROXIMA" load p.sqlite "$D/empty-file.yaml" --allow-empty >report.txt 2>warn.txt || fail "--allow-empty load"
grep -qF "layer 'communes' is left empty (0 read, 0 rejected), as --allow-empty asked" warn.txt || fail "empty warning: $(cat warn.txt)"
expect_eq "--allow-empty: communes rows" 0 "$(sqlite3 p.sqlite 'SELECT COUNT(*) FROM communes')"

# --- a project that cannot be written: our message only, no SpatiaLite noise ---
cp p.sqlite ro.sqlite
"$PROXIMA" -q load ro.sqlite "$D/good.yaml" >/dev/null || fail "baseline load of ro.sqlite"
if [ "$(id -u)" = 0 ]; then chattr +i ro.sqlite 2>/dev/null && locked=chattr || locked=""; else chmod a-w ro.sqlite; locked=chmod; fi
if [ -n "$locked" ]; then
  rc=0; "$PROXIMA" load ro.sqlite "$D/good.yaml" >/dev/null 2>err.txt || rc=$?
  expect_eq "read-only project: exit" 1 "$rc"
  expect_eq "read-only project: stderr" "proxima: ro.sqlite: attempt to write a readonly database" "$(cat err.txt)"
  if [ "$locked" = chattr ]; then chattr -i ro.sqlite; else chmod u+w ro.sqlite; fi
else
  echo "skipped: cannot make a file read-only here"
fi
# Replacing a layer keeps SpatiaLite's metadata whole: one geometry_columns row, a valid R*Tree.
"$PROXIMA" -q load ro.sqlite "$D/good.yaml" >/dev/null || fail "reload"
expect_eq "geometry_columns rows for communes" 1 "$(sqlite3 ro.sqlite "SELECT COUNT(*) FROM geometry_columns WHERE f_table_name = 'communes'")"
expect_eq "R*Tree rows = communes rows" "$(sqlite3 ro.sqlite 'SELECT COUNT(*) FROM communes')" "$(sqlite3 ro.sqlite 'SELECT COUNT(*) FROM idx_communes_geom')"
finish
