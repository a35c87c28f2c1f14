# `proxima shared-services`: the residents a site serves equal a full
# `access` run with that site as the only service; every row reaches every
# commune centre within the threshold; ranking; usage errors.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
B=$(proj b) E=$(proj e)

"$PROXIMA" -q synth "$B" --nodes 2500 --seed 3
"$PROXIMA" -q network "$B" > /dev/null

"$PROXIMA" shared-services "$B" --communes c0,c1 --candidates grid:250 --top 5 > out.txt
serving=$(awk '$1 == "serving" {print $2}' out.txt)
[ "$serving" -gt 0 ] && [ "$serving" -lt 400 ] || fail "serving $serving of 400: want some but not all"
expect_eq "rows kept" "$([ "$serving" -lt 5 ] && echo "$serving" || echo 5)" "$(sqlq "$B" 'SELECT count(*) FROM services_shared')"
expect_eq "every centre within 15 min" "0" "$(sqlq "$B" 'SELECT count(*) FROM services_shared WHERE worst_centre_min > 15')"
expect_eq "ranked by residents" "0" "$(sqlq "$B" 'SELECT count(*) FROM services_shared a JOIN services_shared b ON b.rank = a.rank + 1 WHERE b.residents_served > a.residents_served')"

# The best site as the only health service: access counts the same residents of c0 and c1.
xy=$(sqlq "$B" "SELECT printf('%.9f,%.9f', x, y) FROM services_shared WHERE rank = 1")
served=$(sqlq "$B" "SELECT CAST(residents_served AS INTEGER) FROM services_shared WHERE rank = 1")
"$PROXIMA" -q services "$B" --category health --modes walk --project-xy --add "$xy" \
  --close s0 --close s1 --close s2 --close s3 --close s4 --close s5 --save-layer only_site > /dev/null
"$PROXIMA" -q access "$B" --layers only_site --categories health --modes walk > /dev/null
expect_eq "residents served = access with the site alone" "$served" \
  "$(sqlq "$B" "SELECT CAST(sum(p.count) AS INTEGER) FROM access_origins o JOIN population p ON p.rowid = o.population_fid
     WHERE o.commune_id IN ('c0', 'c1') AND walk_health_min <= 15")"

# No site serves two far-apart communes on foot: an empty services_shared.
# Regression: `proxima site` walked the whole world's tiles of an empty
# table (2^28 at zoom 14, never finishing); it now tiles the region only.
"$PROXIMA" -q synth "$E" --nodes 400 --seed 7
"$PROXIMA" -q network "$E" > /dev/null
"$PROXIMA" shared-services "$E" --communes c0,c3 --candidates grid:500 --minutes 2 > empty.txt
expect_eq "no shared site" "serving 0" "$(grep '^serving' empty.txt)"
timeout 120 "$PROXIMA" -q site "$E" -o esite > /dev/null || fail "proxima site with an empty services_shared did not finish"
n=$(find esite/tiles/services_shared -name '*.pbf' | wc -l)
[ "$n" -gt 0 ] && [ "$n" -lt 2000 ] || fail "empty table: $n tiles written, want the region's only"

before=$(store_hash "$B")
expect_fail 2 "unknown commune 'zz'" "$PROXIMA" shared-services "$B" --communes c0,zz --candidates grid:250
expect_fail 2 "give --candidates LAYER|grid:M" "$PROXIMA" shared-services "$B" --communes c0
expect_fail 2 "missing --communes" "$PROXIMA" shared-services "$B" --candidates grid:250
expect_eq "store unchanged by failures" "$before" "$(store_hash "$B")"
finish
