# The demo end to end on both stores (issue 14). A throwaway PostgreSQL 15 +
# PostGIS 3 cluster (tests/pg/start.sh) holds the PostGIS projects.
#  1. `proxima run` of the demo scenario (tests/fixtures/run/demo-light.yaml:
#     every analysis of layers/scenarios/demo.yaml, lighter outputs), then of
#     its variant with the planned cycle links and a service what-if, once on
#     SpatiaLite and once on PostGIS (`--project PG:...`): every output file
#     (GeoJSON, CSV, MBTiles of the layers, PNG tiles, PNG and PDF maps,
#     report.md/html/pdf) is byte-identical. No normalising: the SpatiaLite
#     project is a file named `demo`, the PostGIS one the schema `demo`, and
#     reports and the viewer show that name.
#  2. The run records: `runs` (but its start time and duration), each step's
#     hash, status and reason, and `compare` (stdout, CSV, GeoJSON) agree.
#  3. `serve` on each project: health, catalog, vector and PNG tiles, features
#     in a box, a table as JSON and CSV answer the same bytes; a writer is not
#     held up by the idle PostGIS server, whose next answer shows the change.
#  4. `copy` SpatiaLite -> PostGIS -> SpatiaLite: the same row counts each way,
#     `layers` identical on all three, every table exported identical (GeoJSON,
#     or CSV for attribute tables and the graph), the catalogue, settings and run
#     records identical row for row; PG -> PG and SL -> SL too.
#     A result made STALE before the copy is STALE in the copies.
#  5. `access`, `snap`, `route`, `services`, `site-services`, `shared-services`
#     on the copied PostGIS project and on the original: same output, same
#     tables, same `layers` (revisions came along).
#  6. A copy that fails (--replace onto a schema where a user's view depends
#     on a project table) leaves the PostGIS schema as it was (pg_dump).
source "$(dirname "$0")/lib.sh"
pgdir=$(mktemp -u /tmp/px-pg.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  "$PX_SOURCE_DIR/tests/pg/stop.sh" "$pgdir"
}
trap cleanup EXIT
ci=$("$PX_SOURCE_DIR/tests/pg/start.sh" "$pgdir")
PG="PG:$ci schemas=demo"
F="$PX_SOURCE_DIR/tests/fixtures/run"
pgbin=/usr/lib/postgresql/15/bin
psql_q() { psql "$ci" -XAtq -c "$1"; }
dump() { "$pgbin/pg_dump" "$ci" -n "$1" | grep -Ev '^(--|\\(un)?restrict )' | sha256sum | cut -d' ' -f1; }

# ---- 1. the scenario on both stores -----------------------------------------
"$PROXIMA" -q run "$F/demo-light.yaml" -o sl --name baseline >sl-run.txt || fail "sl: run baseline"
"$PROXIMA" -q run "$F/demo-light.yaml" -o pg --name baseline --project "$PG" >pg-run.txt || fail "pg: run baseline"
"$PROXIMA" -q run "$F/demo-light-plan.yaml" -o sl --name with-plan >/dev/null || fail "sl: run with-plan"
"$PROXIMA" -q run "$F/demo-light-plan.yaml" -o pg --name with-plan --project "$PG" >/dev/null || fail "pg: run with-plan"
[ -f sl/demo ] || fail "the SpatiaLite project is not sl/demo"
[ ! -e pg/demo ] && [ ! -e "pg/PG:$ci schemas=demo" ] || fail "a project file was made for the PostGIS run"
expect_eq "PostGIS run's summary names the PG project" "project $PG, outputs in pg" \
  "$(tail -1 pg-run.txt | sed 's/.*; \(project .*\)$/\1/')"
(cd sl && find . -type f ! -name demo | sort) >sl.list
(cd pg && find . -type f | sort) >pg.list
cmp -s sl.list pg.list || fail "output files differ: $(diff sl.list pg.list | head -5)"
n_diff=0
while read -r f; do cmp -s "sl/$f" "pg/$f" || { n_diff=$((n_diff + 1)); fail "$f differs between the stores"; }; done <sl.list
expect_eq "files differing" 0 "$n_diff"
# Every kind of output is in the comparison.
expect_eq "GeoJSON files compared" 10 "$(grep -c '^\./[^/]*\.geojson$' pg.list)"
expect_eq "CSV files compared" 7 "$(grep -c '^\./[^/]*\.csv$' pg.list)"
for f in tiles/layers.mbtiles maps/quarter-hour.png maps/equity.pdf report/report.md \
  report/report.html report/report.pdf report-with-plan/report.md report-with-plan/report.html; do
  grep -qx "\./$f" pg.list || fail "output $f not compared"
done
n_png=$(grep -c '^\./tiles/.*\.png$' pg.list)
[ "$n_png" -gt 10 ] || fail "PNG tiles compared: only $n_png"
grep -q '^## What changed: with-plan compared with baseline' pg/report-with-plan/report.md ||
  fail "the PostGIS with-plan report has no comparison section"
expect_eq "PostGIS tables carry the run's date" \
  "$(psql_q "SELECT substr(started_at, 1, 10) FROM demo.px_runs WHERE name = 'baseline'")" \
  "$(psql_q "SELECT DISTINCT updated_at FROM demo.px_tables WHERE name = 'access_communes'")"

# ---- 2. run records -------------------------------------------------------------
# runs: name, status, steps, headline (start time and duration are the clock's).
cols() { awk 'NR > 1 {$2 = ""; $5 = ""; print}'; }
"$PROXIMA" runs sl/demo | cols >sl-runs.txt || fail "sl: runs"
"$PROXIMA" runs "$PG" | cols >pg-runs.txt || fail "pg: runs"
cmp -s sl-runs.txt pg-runs.txt || fail "runs differ: $(diff sl-runs.txt pg-runs.txt | head -4)"
expect_eq "runs on PostGIS" "baseline with-plan" "$(awk '{print $1}' pg-runs.txt | paste -sd' ' -)"
grep -q '"access_communes.walk_all_share":0\.' pg-runs.txt || fail "PostGIS headline lacks the walk share: $(cat pg-runs.txt)"
steps_sl=$(sqlite3 sl/demo "SELECT run, pos, step, hash, status, reason FROM px_run_steps ORDER BY run, pos" | sha256sum)
steps_pg=$(psql_q "SELECT run, pos, step, hash, status, reason FROM demo.px_run_steps ORDER BY run COLLATE \"C\", pos" | sha256sum)
expect_eq "step records (hash, status, reason)" "$steps_sl" "$steps_pg"
expect_eq "with-plan steps that ran on PostGIS" \
  "cycle,services,export cycle_whatif.geojson,export cycle_whatif.csv,report report-with-plan" \
  "$(psql_q "SELECT string_agg(step, ',' ORDER BY pos) FROM demo.px_run_steps WHERE run = 'with-plan' AND status = 'ran'")"
"$PROXIMA" -q compare sl/demo baseline with-plan -o sl-cmp >sl-compare.txt || fail "sl: compare"
"$PROXIMA" -q compare "$PG" baseline with-plan -o pg-cmp >pg-compare.txt || fail "pg: compare"
cmp -s sl-compare.txt pg-compare.txt || fail "compare differs: $(diff sl-compare.txt pg-compare.txt | head -4)"
[ "$(wc -l <pg-compare.txt)" -gt 3 ] || fail "compare found too little: $(cat pg-compare.txt)"
grep -q '^cycle_plan .* score ' pg-compare.txt || fail "compare lacks the cycle score change"
grep -q '^services_access .* residents_within ' pg-compare.txt || fail "compare lacks the services what-if's residents"
diff -r sl-cmp pg-cmp >/dev/null || fail "compare files differ: $(diff -rq sl-cmp pg-cmp)"
expect_fail 2 "no run named 'nope' (runs: baseline, with-plan)" "$PROXIMA" compare "$PG" baseline nope

# ---- 3. serve ---------------------------------------------------------------------
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Each from its output folder: the MBTiles beside a project file, or in the
# current folder for a PostGIS project, are served too.
serve() {
  (cd "$4" && exec "$PROXIMA" serve "$1" --port "$2") >"$3.out" 2>"$3.log" &
  PIDS+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$2/health" && return 0; sleep 0.1; done
  fail "server on $1 did not start: $(cat "$3.log")"
}
p_sl=$(port); serve demo "$p_sl" serve-sl sl
p_pg=$(port); serve "$PG" "$p_pg" serve-pg pg
# Tiles over Vaduz (9.5209 E, 47.1410 N).
read -r x11 y11 x10 y10 < <(python3 -c '
import math
lon, lat = 9.5209, 47.1410
def t(z):
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
print(*t(11), *t(10))')
n_same=0
for u in /health /viewer/catalog.json /layers.json "/tiles/layers/11/$x11/$y11.pbf" "/tiles/equity_communes/11/$x11/$y11.pbf" "/tiles/communes/11/$x11/$y11.pbf" "/tiles/access_communes/10/$x10/$y10.pbf" \
  "/tiles/services/11/$x11/$y11.pbf" "/tiles/quarter-hour/11/$x11/$y11.png" "/tiles/equity/10/$x10/$y10.png" \
  /communes.json /styles/quarter-hour.json "/features/services?bbox=9.50,47.10,9.56,47.18&limit=1000" \
  "/features/communes?limit=3" /tables/access_communes.json /tables/equity_communes.csv /labels/communes.geojson; do
  a=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$p_sl$u" | sed "s/127\.0\.0\.1:$p_sl/HOST/g" | sha256sum)
  b=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$p_pg$u" | sed "s/127\.0\.0\.1:$p_pg/HOST/g" | sha256sum)
  code=$(curl -s -o body -w '%{http_code}' "http://127.0.0.1:$p_pg$u")
  [ "$code" = 200 ] && [ -s body ] || fail "pg serve $u: HTTP $code, $(wc -c <body) bytes"
  [ "$a" = "$b" ] && n_same=$((n_same + 1)) || fail "serve $u differs between the stores"
done
expect_eq "endpoints answering the same" 17 "$n_same"
expect_eq "PostGIS project named by its schema" "ok demo" \
  "$(curl -s "http://127.0.0.1:$p_pg/health" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["status"], d["project"])')"
# A served PostGIS project is not held: a writer goes through while the
# server idles, and the next request reads what it wrote.
before=$(curl -s "http://127.0.0.1:$p_pg/tables/equity_communes.csv" | sha256sum)
"$PROXIMA" -q equity "$PG" --minutes 10 >/dev/null 2>equity-served.err || fail "equity while served: $(cat equity-served.err)"
after=$(curl -s "http://127.0.0.1:$p_pg/tables/equity_communes.csv" | sha256sum)
[ "$before" != "$after" ] || fail "the server still answers the table as it was before equity rewrote it"
for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
PIDS=()

# ---- 4. copy SpatiaLite -> PostGIS -> SpatiaLite ----------------------------------
# A result made stale before the copy (equity rewrites what brownfields read):
# the copies must say so too.
"$PROXIMA" -q equity sl/demo >/dev/null || fail "equity"
PC="PG:$ci schemas=copied"
"$PROXIMA" copy sl/demo "$PC" >copy1.txt 2>copy1.err || fail "copy sl -> pg: $(cat copy1.err)"
"$PROXIMA" copy "$PC" back.sqlite >copy2.txt 2>copy2.err || fail "copy pg -> sl: $(cat copy2.err)"
cmp -s copy1.txt copy2.txt || fail "copy counts differ each way: $(diff copy1.txt copy2.txt | head -4)"
n_tables=$(sqlite3 sl/demo "SELECT count(*) FROM px_tables")
expect_eq "tables copied (every table, 4 run record tables)" "$((n_tables + 4))" "$(($(wc -l <copy1.txt) - 1))"
expect_eq "communes rows copied" 11 "$(awk '$1 == "communes" {print $2}' copy1.txt)"
expect_eq "net_edges rows copied" "$(sqlite3 sl/demo 'SELECT count(*) FROM net_edges')" "$(awk '$1 == "net_edges" {print $2}' copy1.txt)"
expect_eq "run values copied" "$(sqlite3 sl/demo 'SELECT count(*) FROM px_run_values')" "$(awk '$1 == "px_run_values" {print $2}' copy1.txt)"
grep -q "^copy: $((n_tables + 4)) tables, [0-9]* rows from sl/demo to PG:" copy1.err || fail "copy summary: $(cat copy1.err)"
"$PROXIMA" layers sl/demo | tail -n +2 >layers-sl.txt
"$PROXIMA" layers "$PC" | tail -n +2 >layers-pg.txt
"$PROXIMA" layers back.sqlite | tail -n +2 >layers-back.txt
[ "$(grep -c 'STALE: equity_communes changed since' layers-sl.txt)" -ge 2 ] || fail "no STALE mark to copy: $(grep STALE layers-sl.txt)"
cmp -s layers-sl.txt layers-pg.txt || fail "layers differ sl/pg copy: $(diff layers-sl.txt layers-pg.txt | head -4)"
cmp -s layers-sl.txt layers-back.txt || fail "layers differ after the round trip: $(diff layers-sl.txt layers-back.txt | head -4)"
n=0
for t in $(sqlite3 sl/demo "SELECT name FROM px_tables ORDER BY name"); do
  # GeoJSON of a table with geometry (its attributes and geometry; the graph's
  # 13 MB as CSV), CSV of the others.
  ext=geojson
  case $(sqlite3 sl/demo "SELECT geom_type FROM px_tables WHERE name = '$t'") in NONE) ext=csv ;; esac
  case $t in net_*) ext=csv ;; esac
  "$PROXIMA" -q export sl/demo "$t" -o "o-$t.$ext" || fail "export $t.$ext"
  "$PROXIMA" -q export back.sqlite "$t" -o "b-$t.$ext" || fail "export back $t.$ext"
  cmp -s "o-$t.$ext" "b-$t.$ext" || fail "$t.$ext differs after SL -> PG -> SL"
  [ -s "o-$t.$ext" ] || fail "o-$t.$ext is empty"
  n=$((n + 1))
done
expect_eq "tables exported and compared" "$n_tables" "$n"
for q in "SELECT * FROM px_tables ORDER BY name" "SELECT * FROM px_meta ORDER BY key" "SELECT * FROM px_runs" \
  "SELECT * FROM px_run_steps ORDER BY run, pos" "SELECT * FROM px_run_state ORDER BY step" \
  "SELECT * FROM px_run_values ORDER BY run, result_table, commune_id, key, indicator" \
  "SELECT name, stamp, hex(data) FROM px_blobs ORDER BY name" \
  "SELECT f_table_name, geometry_type, srid, spatial_index_enabled FROM geometry_columns ORDER BY 1"; do
  expect_eq "after the round trip: $q" "$(sqlite3 sl/demo "$q" | sha256sum)" "$(sqlite3 back.sqlite "$q" | sha256sum)"
done
expect_eq "graph cache copied as bytea" \
  "$(python3 -c 'import hashlib, sqlite3; print(hashlib.sha256(sqlite3.connect("sl/demo").execute("SELECT data FROM px_blobs").fetchone()[0]).hexdigest())')" \
  "$(psql_q "SELECT encode(sha256(data), 'hex') FROM copied.px_blobs")"
# PG -> PG and SL -> SL.
"$PROXIMA" -q copy "$PC" "PG:$ci schemas=copied2" >/dev/null || fail "copy pg -> pg"
"$PROXIMA" -q copy back.sqlite back2.sqlite >/dev/null || fail "copy sl -> sl"
expect_eq "layers after PG -> PG" "$(sha256sum <layers-sl.txt)" "$("$PROXIMA" layers "PG:$ci schemas=copied2" | tail -n +2 | sha256sum)"
expect_eq "layers after SL -> SL" "$(sha256sum <layers-sl.txt)" "$("$PROXIMA" layers back2.sqlite | tail -n +2 | sha256sum)"
expect_fail 1 "already a Proxima project; give --replace to overwrite it" "$PROXIMA" copy back.sqlite "$PC"
"$PROXIMA" -q copy "$PC" back.sqlite --replace >/dev/null || fail "copy --replace onto a project file"
expect_eq "layers after --replace" "$(sha256sum <layers-sl.txt)" "$("$PROXIMA" layers back.sqlite | tail -n +2 | sha256sum)"

# ---- 5. the copied PostGIS project runs the commands like the original -------------
"$PROXIMA" access sl/demo >access-sl.txt || fail "access on the original"
"$PROXIMA" access "$PC" >access-pg.txt || fail "access on the copied PostGIS project"
cmp -s access-sl.txt access-pg.txt || fail "access reports differ: $(diff access-sl.txt access-pg.txt | head -4)"
for t in access_communes access_origins; do
  for ext in csv geojson; do
    "$PROXIMA" -q export sl/demo $t -o "a-sl-$t.$ext" && "$PROXIMA" -q export "$PC" $t -o "a-pg-$t.$ext" || fail "export $t"
    cmp -s "a-sl-$t.$ext" "a-pg-$t.$ext" || fail "$t.$ext differs after access on the copy"
  done
done
"$PROXIMA" layers sl/demo | tail -n +2 >layers-sl2.txt
"$PROXIMA" layers "$PC" | tail -n +2 >layers-pg2.txt
cmp -s layers-sl2.txt layers-pg2.txt || fail "layers differ after access: $(diff layers-sl2.txt layers-pg2.txt | head -4)"
# The other commands that read (and some write) a project: same output, same tables.
before_tables=$(sqlite3 sl/demo "SELECT name FROM px_tables ORDER BY name")
for st in sl/demo "$PC"; do
  tag=$([ "$st" = sl/demo ] && echo sl || echo pg)
  {
    "$PROXIMA" snap "$st" services --mode bike
    "$PROXIMA" route "$st" --from-lonlat 9.5209,47.1410 --to-lonlat 9.5100,47.1650 --mode bike
    "$PROXIMA" services "$st" --category health --add 9.52,47.15 --close 6245
    "$PROXIMA" site-services "$st" --category health --new 2 --candidates grid:500
    "$PROXIMA" shared-services "$st" --communes LI-01,LI-02 --candidates grid:500
  } >"cmds-$tag.txt" 2>"cmds-$tag.err" || fail "$tag: snap/route/services/site-services/shared-services: $(tail -3 "cmds-$tag.err")"
done
cmp -s cmds-sl.txt cmds-pg.txt || fail "snap/route/services/site-services/shared-services differ: $(diff cmds-sl.txt cmds-pg.txt | head -4)"
[ "$(wc -l <cmds-pg.txt)" -gt 460 ] || fail "too little output from the commands: $(wc -l <cmds-pg.txt) lines"
new_tables=$(comm -13 <(echo "$before_tables") <(sqlite3 sl/demo "SELECT name FROM px_tables ORDER BY name"))
[ -n "$new_tables" ] || fail "services/site-services wrote no table"
for t in $new_tables; do
  "$PROXIMA" -q export sl/demo "$t" -o "n-sl-$t.csv" && "$PROXIMA" -q export "$PC" "$t" -o "n-pg-$t.csv" || fail "export $t"
  cmp -s "n-sl-$t.csv" "n-pg-$t.csv" || fail "$t differs between the original and the copy"
done
expect_eq "layers after those commands" "$("$PROXIMA" layers sl/demo | tail -n +2 | sha256sum)" \
  "$("$PROXIMA" layers "$PC" | tail -n +2 | sha256sum)"
expect_eq "access rewrote its tables (revision moved)" 1 \
  "$(psql_q "SELECT count(*) FROM copied.px_tables WHERE name = 'access_communes' AND revision > (SELECT revision FROM copied2.px_tables WHERE name = 'access_communes')")"
# ---- 6. a failed copy leaves the PostGIS destination as it was ----------------------
psql_q "CREATE VIEW copied2.my_communes AS SELECT name FROM copied2.communes"
before=$(dump copied2)
expect_fail 1 "cannot drop table communes because other objects depend on it" \
  "$PROXIMA" copy back.sqlite "PG:$ci schemas=copied2" --replace
expect_eq "schema unchanged by the failed copy" "$before" "$(dump copied2)"
finish
