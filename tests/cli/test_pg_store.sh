# The PostGIS store against the SpatiaLite store: the same commands on the
# same inputs give byte-identical outputs (load report, layers, exported
# GeoJSON and CSV of every table, vector tiles, the reports of network,
# access, equity, flood and cycle, a synthetic region and its static site);
# a failed load
# leaves the PostGIS schema exactly as it was (pg_dump before and after); a
# writer waits for, or gives up clearly on, another one holding the project
# (advisory lock), and two loads at once never interleave their writes.
# Runs a throwaway PostgreSQL 15 + PostGIS 3 cluster (tests/pg/start.sh).
source "$(dirname "$0")/lib.sh"
pgdir=$(mktemp -u /tmp/px-pg.XXXXXX)
trap '"$PX_SOURCE_DIR/tests/pg/stop.sh" "$pgdir"' EXIT
ci=$("$PX_SOURCE_DIR/tests/pg/start.sh" "$pgdir")
PG="PG:$ci schemas=agglo"
pgbin=/usr/lib/postgresql/15/bin
# A schema's content (pg_dump's random \restrict key and comments left out).
dump() { "$pgbin/pg_dump" "$ci" -n "$1" | grep -Ev '^(--|\\(un)?restrict )' | sha256sum | cut -d' ' -f1; }
psql_q() { psql "$ci" -XAtq -c "$1"; }

# ---- same commands, same inputs, same outputs ------------------------------
L="$PX_SOURCE_DIR/layers/demo-liechtenstein.yaml"
"$PROXIMA" -q init sl.sqlite --crs EPSG:32632
"$PROXIMA" -q init "$PG" --crs EPSG:32632 || fail "init on PostGIS"
expect_fail 1 "already exists" "$PROXIMA" init "$PG" --crs EPSG:32632
expect_eq "catalogue tables in the schema" "px_meta px_tables" \
  "$(psql_q "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'agglo'")"
for store in sl.sqlite "$PG"; do
  tag=$([ "$store" = sl.sqlite ] && echo sl || echo pg)
  "$PROXIMA" load "$store" "$L" >$tag-load.txt 2>$tag-load.err || fail "$tag: load"
  "$PROXIMA" network "$store" >$tag-net.txt || fail "$tag: network"
  "$PROXIMA" access "$store" >$tag-access.txt || fail "$tag: access"
  for c in equity flood cycle; do "$PROXIMA" $c "$store" >$tag-$c.txt 2>/dev/null || fail "$tag: $c"; done
  mkdir $tag
  "$PROXIMA" -q tiles "$store" communes services access_communes -o $tag/tiles --maxzoom 12 || fail "$tag: tiles"
  "$PROXIMA" layers "$store" | tail -n +2 >$tag-layers.txt || fail "$tag: layers"
done
for f in load.txt load.err net.txt access.txt equity.txt flood.txt cycle.txt layers.txt; do
  cmp -s sl-$f pg-$f || fail "$f differs: $(diff sl-$f pg-$f | head -5)"
done
diff -r sl/tiles pg/tiles >/dev/null || fail "vector tiles differ: $(diff -rq sl/tiles pg/tiles | head -3)"
expect_eq "tiles written" 29 "$(find pg/tiles -type f | wc -l)"
expect_eq "layers lists the tables" 24 "$(awk 'NR > 1 && /^[a-z]/' pg-layers.txt | wc -l)"
n=0
for t in $(awk 'NR > 1 && /^[a-z]/ {print $1}' sl-layers.txt); do
  exts="geojson csv"
  case $t in net_*) exts=csv ;; esac # the graph's 13 MB of GeoJSON: its CSV says the same
  for ext in $exts; do
    "$PROXIMA" -q export sl.sqlite "$t" -o "sl-$t.$ext" || fail "sl: export $t.$ext"
    "$PROXIMA" -q export "$PG" "$t" -o "pg-$t.$ext" || fail "pg: export $t.$ext"
    cmp -s "sl-$t.$ext" "pg-$t.$ext" || fail "$t.$ext differs between the stores"
    n=$((n + 1))
  done
done
expect_eq "files compared (every table; the graph's tables in CSV only)" \
  "$((2 * 24 - $(grep -c '^net_' sl-layers.txt)))" "$n"
# Plain PostGIS tables: primary key, typed geometry in the project SRID, GiST index.
expect_eq "communes geometry column" "MULTIPOLYGON 32632" \
  "$(psql_q "SELECT type || ' ' || srid FROM geometry_columns WHERE f_table_schema = 'agglo' AND f_table_name = 'communes'")"
expect_eq "communes GiST index" "1" \
  "$(psql_q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'agglo' AND tablename = 'communes' AND indexdef LIKE '%USING gist (geom)%'")"
expect_eq "Vaduz population through SQL" "5696" \
  "$(psql_q "SELECT population::bigint FROM agglo.communes WHERE name = 'Vaduz'")"
expect_eq "graph blob as bytea" "1" "$(psql_q "SELECT count(*) > 0 FROM agglo.px_blobs WHERE length(data) > 0" | sed 's/t/1/')"

# ---- a failed load leaves the schema as it was ------------------------------
D="$PX_SOURCE_DIR/tests/fixtures/io/defs"
PB="PG:$ci schemas=bad"
"$PROXIMA" -q init "$PB" --crs EPSG:32632
"$PROXIMA" -q load "$PB" "$D/good.yaml" || fail "baseline load"
"$PROXIMA" layers "$PB" >before.txt
before=$(dump bad)
expect_fail 1 "field 'road_class' (mapped to roads.highway) does not exist" "$PROXIMA" load "$PB" "$D/both-layers-one-bad.yaml"
expect_eq "schema unchanged by the failed load" "$before" "$(dump bad)"
"$PROXIMA" layers "$PB" >after.txt
cmp -s before.txt after.txt || fail "layers changed by the failed load"
expect_fail 1 "4 feature(s) rejected and --strict was asked" "$PROXIMA" load "$PB" "$D/bad-geometries.yaml" --strict
expect_eq "schema unchanged by the failed strict load" "$before" "$(dump bad)"
expect_fail 1 "not a Proxima project" "$PROXIMA" layers "PG:$ci schemas=nothing_here"

# ---- two writers -------------------------------------------------------------
fx="$PX_SOURCE_DIR/tests/fixtures/cycle"
PC="PG:$ci schemas=conc"
"$PROXIMA" -q init "$PC" --crs EPSG:2154
"$PROXIMA" -q load "$PC" "$fx/two-islands.yaml" >/dev/null || fail "load two-islands"
# Another session holds the project's advisory lock until hold.flag goes.
hold() {
  touch hold.flag
  (echo "SELECT pg_advisory_lock(hashtext('proxima:conc'));"; while [ -e hold.flag ]; do sleep 0.1; done) |
    psql "$ci" -XAtq >/dev/null
}
hold & holder=$!
sleep 1
before=$(dump conc)
expect_fail 1 "the project is busy: another proxima command is writing to it" \
  "$PROXIMA" load "$PC" "$fx/two-islands.yaml"
expect_eq "schema unchanged by the refused load" "$before" "$(dump conc)"
# Held for 2 s only: the load waits, then goes through.
(sleep 2; rm -f hold.flag) &
"$PROXIMA" -q load "$PC" "$fx/two-islands.yaml" >/dev/null || fail "load after a short wait"
wait "$holder"
# Two loads at once: both end well, one after the other. Each load writes
# its tables with consecutive revisions; interleaved writes would leave the
# final tables with revisions from both.
r0=$(psql_q "SELECT value FROM conc.px_meta WHERE key = 'revision'")
"$PROXIMA" -q load "$PC" "$fx/two-islands.yaml" >l1.txt 2>l1.err & p1=$!
"$PROXIMA" -q load "$PC" "$fx/two-islands.yaml" >l2.txt 2>l2.err & p2=$!
rc1=0; rc2=0; wait "$p1" || rc1=$?; wait "$p2" || rc2=$?
expect_eq "concurrent loads exit 0" "0 0" "$rc1 $rc2"
n_layers=$(psql_q "SELECT count(*) FROM conc.px_tables WHERE kind = 'layer'")
expect_eq "revisions advanced by two whole loads" "$((r0 + 2 * n_layers))" \
  "$(psql_q "SELECT value FROM conc.px_meta WHERE key = 'revision'")"
expect_eq "final layers all from the second load (consecutive revisions)" "$((r0 + n_layers + 1)) $((r0 + 2 * n_layers))" \
  "$(psql_q "SELECT min(revision) || ' ' || max(revision) FROM conc.px_tables WHERE kind = 'layer'")"
# A password in the project string is never printed (messages, layers) but
# still used to connect again (access reopens the project for its graph).
PW="PG:$ci password=s3cretpw schemas=agglo"
"$PROXIMA" layers "$PW" >pw-layers.txt 2>&1 || fail "layers with a password in the string"
grep -q s3cretpw pw-layers.txt && fail "layers printed the password"
grep -q 'password=\*\*\* schemas=agglo' pw-layers.txt || fail "layers names the project without its password: $(head -1 pw-layers.txt)"
"$PROXIMA" access "$PW" --modes walk >pw-access.txt 2>&1 || fail "access with a password in the string"
grep -q s3cretpw pw-access.txt && fail "access printed the password"
expect_fail 1 "password=*** schemas=nothing_here: not a Proxima project" "$PROXIMA" layers "PG:$ci password=s3cretpw schemas=nothing_here"
grep -q s3cretpw "$PX_TEST_TMP/err.txt" && fail "an error message printed the password"
# synth creates a PostGIS project on first use and replaces its layers on
# the next (it used to test for a file, so a second synth said "already exists").
PS="PG:$ci schemas=synth"
"$PROXIMA" -q synth "$PS" --nodes 400 --seed 3 >/dev/null || fail "synth into a new PostGIS schema"
"$PROXIMA" -q synth "$PS" --nodes 900 --seed 3 >/dev/null || fail "synth again into the same PostGIS project"
expect_eq "second synth replaced the population" 900 "$(psql_q "SELECT count(*) FROM synth.population")"
# synth and the static site give the same bytes on both stores (the
# SpatiaLite file is named as the schema: the site's catalogue names it).
"$PROXIMA" -q synth synth.sqlite --nodes 900 --seed 3 >/dev/null || fail "synth into SpatiaLite"
for t in communes population roads services; do
  "$PROXIMA" -q export synth.sqlite $t -o sl-syn-$t.geojson && "$PROXIMA" -q export "$PS" $t -o pg-syn-$t.geojson ||
    fail "export synthetic $t"
  cmp -s sl-syn-$t.geojson pg-syn-$t.geojson || fail "synthetic $t differs between the stores"
done
for s in synth.sqlite "$PS"; do
  "$PROXIMA" -q network "$s" && "$PROXIMA" -q access "$s" --modes walk || fail "network/access on $s"
done
"$PROXIMA" -q site synth.sqlite -o site-sl || fail "site from SpatiaLite"
"$PROXIMA" -q site "$PS" -o site-pg || fail "site from PostGIS"
expect_eq "site files differing between the stores" "" "$(diff -rq site-sl site-pg)"
[ "$(find site-pg/tiles -name '*.pbf' | wc -l)" -gt 20 ] || fail "site from PostGIS has too few tiles"
finish
