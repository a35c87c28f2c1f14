# `proxima services` (what-if on services) against full re-runs of `proxima
# access` on the modified services layer: per origin and per commune, value
# by value, for both modes; usage errors and an unchanged store on failure.
source "$(dirname "$0")/lib.sh"

"$PROXIMA" -q synth b.sqlite --nodes 2500 --seed 3
"$PROXIMA" -q network b.sqlite > /dev/null

# Baseline access (the services layer as loaded).
"$PROXIMA" -q access b.sqlite --categories health > /dev/null
sqlite3 b.sqlite "CREATE TABLE t_before AS SELECT population_fid f, commune_id c, coalesce(walk_health_min <= 15, 0) w,
  coalesce(bike_health_min <= 15, 0) b FROM access_origins;
  CREATE TABLE t_cb AS SELECT commune_id, walk_health_share w, bike_health_share b FROM access_communes"

# The what-if: two openings, a closure and a move, the scenario saved as a layer.
"$PROXIMA" services b.sqlite --category health --project-xy --add 501000,6001000,50 --add 503900,6003900 \
  --close s1 --move s3:502500,6004500 --save-layer scen > whatif.txt
expect_eq "scenario layer: 6 - 1 + 2 services" "7" "$(sqlite3 b.sqlite 'SELECT count(*) FROM scen')"
expect_eq "moved service keeps its id" "1" "$(sqlite3 b.sqlite "SELECT count(*) FROM scen WHERE id = 's3'")"
expect_eq "closed service gone" "0" "$(sqlite3 b.sqlite "SELECT count(*) FROM scen WHERE id = 's1'")"

# Full re-run of access on the modified services.
"$PROXIMA" -q access b.sqlite --layers scen --categories health > /dev/null
sqlite3 b.sqlite "CREATE TABLE t_after AS SELECT population_fid f, coalesce(walk_health_min <= 15, 0) w,
  coalesce(bike_health_min <= 15, 0) b FROM access_origins;
  CREATE TABLE t_ca AS SELECT commune_id, walk_health_share w, bike_health_share b FROM access_communes"

# Per origin: every change, and only those.
sqlite3 b.sqlite "SELECT 'walk', f, c, a.w - t_before.w FROM t_before JOIN t_after a USING (f) WHERE a.w != t_before.w
  UNION ALL SELECT 'bike', f, c, a.b - t_before.b FROM t_before JOIN t_after a USING (f) WHERE a.b != t_before.b
  ORDER BY 1, 2" > full.txt
sqlite3 b.sqlite "SELECT mode, population_fid, commune_id, change FROM services_whatif_origins ORDER BY 1, 2" > whatif_origins.txt
[ -s full.txt ] || fail "the scenario changes nobody's access: the test would prove nothing"
cmp -s full.txt whatif_origins.txt || fail "per-origin changes differ from a full access re-run: $(diff full.txt whatif_origins.txt | head -5)"
expect_eq "gains and losses both present" "2" "$(sqlite3 b.sqlite 'SELECT count(DISTINCT change) FROM services_whatif_origins')"

# Per commune: residents gaining / losing from the re-run, and the shares of access_communes.
sqlite3 b.sqlite "SELECT o.c, 'walk', CAST(sum(CASE WHEN a.w > o.w THEN p.count ELSE 0 END) AS INTEGER), CAST(sum(CASE WHEN a.w < o.w THEN p.count ELSE 0 END) AS INTEGER)
    FROM t_before o JOIN t_after a USING (f) JOIN population p ON p.fid = o.f GROUP BY o.c
  UNION ALL SELECT o.c, 'bike', CAST(sum(CASE WHEN a.b > o.b THEN p.count ELSE 0 END) AS INTEGER), CAST(sum(CASE WHEN a.b < o.b THEN p.count ELSE 0 END) AS INTEGER)
    FROM t_before o JOIN t_after a USING (f) JOIN population p ON p.fid = o.f GROUP BY o.c ORDER BY 1, 2" > full_c.txt
sqlite3 b.sqlite "SELECT commune_id, mode, CAST(residents_gaining AS INTEGER), CAST(residents_losing AS INTEGER)
  FROM services_whatif_communes WHERE commune_id != '*' ORDER BY 1, 2" > whatif_c.txt
cmp -s full_c.txt whatif_c.txt || fail "per-commune gains/losses differ: $(diff full_c.txt whatif_c.txt | head -5)"
sqlite3 b.sqlite "SELECT commune_id, 'walk', printf('%.6f', w) FROM t_cb UNION ALL SELECT commune_id, 'bike', printf('%.6f', b) FROM t_cb ORDER BY 1, 2" > sb.txt
sqlite3 b.sqlite "SELECT commune_id, mode, printf('%.6f', share_before) FROM services_whatif_communes ORDER BY 1, 2" > wsb.txt
cmp -s sb.txt wsb.txt || fail "share_before differs from access_communes: $(diff sb.txt wsb.txt | head -5)"
sqlite3 b.sqlite "SELECT commune_id, 'walk', printf('%.6f', w) FROM t_ca UNION ALL SELECT commune_id, 'bike', printf('%.6f', b) FROM t_ca ORDER BY 1, 2" > sa.txt
sqlite3 b.sqlite "SELECT commune_id, mode, printf('%.6f', share_after) FROM services_whatif_communes ORDER BY 1, 2" > wsa.txt
cmp -s sa.txt wsa.txt || fail "share_after differs from the access re-run: $(diff sa.txt wsa.txt | head -5)"
expect_eq "region row" "All communes|" "$(sqlite3 b.sqlite "SELECT commune_name, geom IS NULL FROM services_whatif_communes WHERE commune_id = '*' AND mode = 'walk'" | sed 's/1$//')"

# Equity indicators: the 2SFCA mean is total reached supply per 1,000 residents:
# every service reaches someone by bike, so before = 6 and after = 6 - 1 + 50 + 1.
res=$(sqlite3 b.sqlite 'SELECT sum(count) FROM population')
expect_near "bike 2SFCA mean before" "$(awk -v r="$res" 'BEGIN { printf "%.12f", 6000 / r }')" \
  "$(sqlite3 b.sqlite "SELECT fca_mean_before FROM services_whatif_summary WHERE mode = 'bike'")" 1e-9
expect_near "bike 2SFCA mean after" "$(awk -v r="$res" 'BEGIN { printf "%.12f", 56000 / r }')" \
  "$(sqlite3 b.sqlite "SELECT fca_mean_after FROM services_whatif_summary WHERE mode = 'bike'")" 1e-9
expect_eq "summary counts" "2|1|1" "$(sqlite3 b.sqlite "SELECT n_added, n_closed, n_moved FROM services_whatif_summary WHERE mode = 'walk'")"

# Closing the only service of a category on a small region: everyone within reach loses it.
"$PROXIMA" -q synth a.sqlite --nodes 400 --seed 7
"$PROXIMA" -q network a.sqlite > /dev/null
"$PROXIMA" -q access a.sqlite --categories health --modes walk > /dev/null
within=$(sqlite3 a.sqlite "SELECT CAST(sum(p.count) AS INTEGER) FROM access_origins o JOIN population p ON p.fid = o.population_fid WHERE walk_health_min <= 15")
"$PROXIMA" services a.sqlite --category health --close s0 --modes walk > /dev/null
expect_eq "closing the only service" "0|$within|0.0" \
  "$(sqlite3 a.sqlite "SELECT CAST(residents_gaining AS INTEGER), CAST(residents_losing AS INTEGER), share_after FROM services_whatif_summary")"
expect_eq "walk only" "walk" "$(sqlite3 a.sqlite 'SELECT group_concat(DISTINCT mode) FROM services_whatif_communes')"

# The same changes from a GeoJSON file (lon/lat) give the same tables as the options.
"$PROXIMA" -q services b.sqlite --category health --project-xy --add 501000,6001000,50 --close s1 > /dev/null
sqlite3 b.sqlite "SELECT * FROM services_whatif_origins ORDER BY fid" > opt_o.txt
sqlite3 b.sqlite "SELECT * FROM services_whatif_summary ORDER BY fid" > opt_s.txt
ll=$(echo "501000 6001000" | cs2cs -f %.10f EPSG:2154 EPSG:4326 | awk '{print $2 "," $1}')
cat > changes.geojson <<JSON
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"action": "add", "capacity": 50}, "geometry": {"type": "Point", "coordinates": [${ll}]}},
 {"type": "Feature", "properties": {"action": "close", "id": "s1"}, "geometry": null}]}
JSON
"$PROXIMA" -q services b.sqlite --category health --changes changes.geojson > /dev/null
sqlite3 b.sqlite "SELECT * FROM services_whatif_origins ORDER BY fid" > file_o.txt
sqlite3 b.sqlite "SELECT * FROM services_whatif_summary ORDER BY fid" > file_s.txt
[ -s opt_o.txt ] || fail "no change: the file check would prove nothing"
cmp -s opt_o.txt file_o.txt || fail "--changes FILE and options differ per origin"
cmp -s opt_s.txt file_s.txt || fail "--changes FILE and options differ in the summary"
echo '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"action": "open"}, "geometry": null}]}' > bad.geojson
expect_fail 2 "bad.geojson: feature 0: action 'open': want add, close or move" "$PROXIMA" services b.sqlite --category health --changes bad.geojson

# Bad input: usage errors (exit 2), nothing written.
before=$(sha256sum a.sqlite)
expect_fail 2 "unknown category 'helth'" "$PROXIMA" services a.sqlite --category helth --close s0
expect_fail 2 "no service with id 'zz' in category 'health'" "$PROXIMA" services a.sqlite --category health --close zz
expect_fail 2 "closed or moved twice" "$PROXIMA" services a.sqlite --category health --close s0 --close s0
expect_fail 2 "give at least one --add, --close or --move, or --changes FILE" "$PROXIMA" services a.sqlite --category health
expect_fail 2 "--add 1,2,x: want LON,LAT[,CAP]" "$PROXIMA" services a.sqlite --category health --add 1,2,x
expect_fail 2 "--move s0: want ID:LON,LAT" "$PROXIMA" services a.sqlite --category health --move s0
expect_fail 2 "over the input layer 'services'" "$PROXIMA" services a.sqlite --category health --close s0 --save-layer services
expect_fail 2 "missing --category CAT" "$PROXIMA" services a.sqlite --close s0
expect_eq "store unchanged by failures" "$before" "$(sha256sum a.sqlite)"
finish
