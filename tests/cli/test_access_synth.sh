# synth, network, access and isochrone from the command line on a small
# synthetic region: determinism, counts, exit codes and messages.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
A=$(proj a) B=$(proj b)

"$PROXIMA" -q synth "$A" --nodes 400 --seed 7
"$PROXIMA" -q synth "$B" --nodes 400 --seed 7
sum() { sqlq "$1" "SELECT count(*) || ' ' || printf('%.3f', sum(ST_Length(geom))) AS s FROM roads"; }
expect_eq "same seed, same roads" "$(sum "$A")" "$(sum "$B")"
"$PROXIMA" -q synth "$B" --nodes 400 --seed 8
[ "$(sum "$A")" != "$(sum "$B")" ] || fail "another seed gives other roads"
expect_eq "population = nodes" "400" "$(sqlq "$A" 'SELECT count(*) FROM population')"
expect_eq "services: 8 categories" "8" "$(sqlq "$A" 'SELECT count(DISTINCT category) FROM services')"

expect_fail 1 "no network: run \`proxima network\` first" "$PROXIMA" access "$A"
"$PROXIMA" network "$A" > net.txt
expect_eq "nodes" "nodes 400" "$(grep '^nodes ' net.txt)"
# 2 x 20 x 19 = 760 grid links, minus the ~4% drawn as missing.
links=$(sqlq "$A" 'SELECT count(*) FROM roads')
expect_eq "one edge per synthetic link" "edges $links" "$(grep '^edges ' net.txt)"
expect_eq "cycleways closed to walkers" "0" "$(sqlq "$A" "SELECT count(*) FROM net_edges WHERE highway = 'cycleway' AND walk_fwd")"

expect_fail 2 "--modes: unknown value 'car' (valid: walk, bike)" "$PROXIMA" access "$A" --modes car
expect_fail 2 "--nth 0: want a whole number from 1 to 16" "$PROXIMA" access "$A" --nth 0
expect_fail 2 "--max-minutes (10) must be at least --minutes (20)" "$PROXIMA" access "$A" --minutes 20 --max-minutes 10
"$PROXIMA" access "$A" --threads 1 --nth 3 > one.txt
"$PROXIMA" -q export "$A" access_origins -o one.csv
"$PROXIMA" access "$A" --threads 2 --nth 3 > two.txt
"$PROXIMA" -q export "$A" access_origins -o two.csv
cmp -s one.csv two.csv || fail "one and two threads give different results"
cmp -s one.txt two.txt || fail "one and two threads give different summaries"
expect_eq "origins" "origins 400" "$(grep '^origins ' two.txt)"
expect_eq "scores in 0..8" "0" "$(sqlq "$A" 'SELECT count(*) FROM access_origins WHERE bike_score < 0 OR bike_score > 8')"
expect_eq "3rd nearest is never nearer" "0" "$(sqlq "$A" 'SELECT count(*) FROM access_origins WHERE bike_food_n3_min < bike_food_min')"
"$PROXIMA" -q access "$A" --modes walk --categories health,food
expect_eq "walk only, two categories" "walk_health_min walk_food_min" \
  "$("$PROXIMA" -q export "$A" access_origins -o cols.csv && head -1 cols.csv | tr , '\n' | awk '/_min$/ {printf "%s%s", s, $1; s = " "}')"

# Summary-only runs keep the commune shares and drop the per-origin table.
share=$(sqlq "$A" "SELECT walk_health_share FROM access_communes WHERE commune_id = '*'")
"$PROXIMA" -q access "$A" --modes walk --categories health,food --no-origins-table
expect_eq "no access_origins" "0" "$("$PROXIMA" layers "$A" | grep -c '^access_origins ' || true)"
expect_eq "same region share" "$share" "$(sqlq "$A" "SELECT walk_health_share FROM access_communes WHERE commune_id = '*'")"

expect_fail 2 "give an origin" "$PROXIMA" isochrone "$A"
expect_fail 2 "ascending" "$PROXIMA" isochrone "$A" --xy 500500,6000500 --minutes 10,5
"$PROXIMA" -q isochrone "$A" --xy 500500,6000500 --mode bike --minutes 2,4
expect_eq "two bands" "2" "$(sqlq "$A" 'SELECT count(*) FROM isochrones')"
# The same origin given in lon/lat (converted here by PROJ's cs2cs) gives the same isochrone.
km_xy=$(sqlq "$A" "SELECT printf('%.3f', reached_km) FROM isochrones WHERE minutes = 4")
lonlat=$(echo "500500 6000500" | cs2cs -f %.9f EPSG:2154 EPSG:4326 | awk '{print $2 "," $1}')
"$PROXIMA" -q isochrone "$A" --lonlat "$lonlat" --mode bike --minutes 2,4
expect_eq "lon/lat origin = projected origin" "$km_xy" "$(sqlq "$A" "SELECT printf('%.3f', reached_km) FROM isochrones WHERE minutes = 4")"
expect_eq "route to the same point" "seconds 0.000" \
  "$("$PROXIMA" route "$A" --from 500000,6000000 --to 500000,6000000 --mode bike | head -1)"
expect_fail 2 "--from 1: want X,Y in the project CRS" "$PROXIMA" route "$A" --from 1 --to 2,3
finish
