# `proxima cycle` end to end on a loaded fixture with hand-computed results
# (tests/fixtures/cycle/two-islands.yaml): two low-stress islands joined only
# by an LTS 4 primary road.
#   Connectivity, categories school, shop, commune_centre (West's centre is on
#   x=100, East's on x=400): the x=0 unit reaches 1 of 2 schools, 0 of 1 shop,
#   1 of 2 centres on low stress -> 33.3; the x=500 unit 50, 100, 50 -> 66.7;
#   region (100 * 33.3 + 300 * 66.7) / 400 = 58.3.
#   Coverage: the cycleway's nodes are x=300..500; the x=500 unit is 10 m away
#   (covered), the x=0 unit 310 m (not): 300 of 400.
#   Missing link: the primary road, benefit 100 x 3 + 300 x 2 = 900 pairs.
#   What-if with a track beside it: every destination low-stress: 100.0;
#   coverage 400.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
P=$(proj p)
fx="$PX_SOURCE_DIR/tests/fixtures/cycle"

"$PROXIMA" -q init "$P" --crs EPSG:2154
"$PROXIMA" -q load "$P" "$fx/two-islands.yaml" > /dev/null
"$PROXIMA" -q network "$P" > /dev/null
"$PROXIMA" -q cycle "$P" --links-geojson links.geojson > out.txt || fail "cycle run"
expect_eq "edges" "edges 5: LTS 1 4, LTS 2 0, LTS 3 0, LTS 4 1, not bikeable 0" "$(sed -n 1p out.txt)"
expect_eq "islands" "low-stress islands 2" "$(sed -n 2p out.txt)"
expect_eq "coverage" "residents 400, covered 300 (75.0%)" "$(sed -n 3p out.txt)"
expect_eq "destinations" "destinations 5 in 3 categories" "$(sed -n 4p out.txt)"
expect_eq "score" "connectivity score 58.3" "$(sed -n 5p out.txt)"
expect_eq "links" "missing links ranked 1" "$(sed -n 6p out.txt)"

# The ranked link, as GeoJSON: the primary road (net edge 3), 100 m, 900 pairs.
props=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["features"][0]["properties"];
print(p["rank"], p["kind"], p["length_m"], p["benefit"], p["benefit_per_km"], p["edge_fids"])' links.geojson)
expect_eq "top link" "1 upgrade 100.0 900.0 9000.0 3" "$props"

# Per-commune scores and LTS per edge, through export.
"$PROXIMA" export "$P" cycle_connectivity -o conn.geojson
rows=$(python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["features"]:
    p = f["properties"]; print("%s %.1f %.1f %.1f" % (p["commune_id"], p["score"], p["score_school"], p["score_shop"]))' conn.geojson | tr '\n' ';')
expect_eq "connectivity per commune" "A 33.3 50.0 0.0;B 66.7 50.0 100.0;* 58.3 50.0 75.0;" "$rows"
# The region row is named as in every per-commune table (README "Result tables").
names=$(python3 -c 'import json,sys
print(";".join(f["properties"]["commune_name"] for f in json.load(open(sys.argv[1]))["features"]))' conn.geojson)
expect_eq "commune names" "$(sqlq "$P" "SELECT group_concat(name, ';') FROM (SELECT name FROM communes ORDER BY rowid)");All communes" "$names"
"$PROXIMA" export "$P" net_edge_lts -o lts.geojson
lts=$(python3 -c 'import json,sys
print(" ".join("%d:%d:%s" % (f["properties"]["edge_fid"], f["properties"]["lts"], f["properties"]["rule"])
      for f in json.load(open(sys.argv[1]))["features"]))' lts.geojson)
expect_eq "LTS per edge" "1:1:mixed-local-30 2:1:mixed-local-30 3:4:mixed-fast 4:1:cycleway 5:1:cycleway" "$lts"

# What-if with the planned track.
"$PROXIMA" -q cycle "$P" --add-links "$fx/plan.geojson" > whatif.txt || fail "what-if run"
expect_eq "what-if" "what-if: 1 planned links, connectivity 58.3 -> 100.0, covered 300 -> 400" "$(tail -1 whatif.txt)"
"$PROXIMA" export "$P" cycle_whatif -o whatif.geojson
deltas=$(python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["features"]:
    p = f["properties"]; print("%s %.1f %.1f %.1f" % (p["commune_id"], p["score_delta"], p["covered_delta"], p["reach_delta"]))' whatif.geojson | tr '\n' ';')
expect_eq "what-if deltas" "A 66.7 100.0 3.0;B 33.3 0.0 2.0;* 41.7 25.0 2.2;" "$deltas"

# Category weights: school 2, shop 0.5, centres 1. x=0: (2*50 + 0.5*0 + 50) / 3.5
# = 42.86; x=500: (2*50 + 0.5*100 + 50) / 3.5 = 57.14; region 53.57.
"$PROXIMA" -q cycle "$P" --weight school=2 --weight shop=0.5 > weighted.txt
expect_eq "weighted score" "connectivity score 53.6" "$(sed -n 5p weighted.txt)"

# A detour ratio of 1 changes nothing here (every low-stress route found is
# also the shortest); --max-lts 4 makes every edge low stress: 100.0, one island.
"$PROXIMA" -q cycle "$P" --max-lts 4 > all.txt
expect_eq "max-lts 4" "connectivity score 100.0" "$(sed -n 5p all.txt)"
"$PROXIMA" -q cycle "$P" --detour 1 > strict.txt
expect_eq "detour 1" "connectivity score 58.3" "$(sed -n 5p strict.txt)"
expect_eq "max-lts 4 islands" "low-stress islands 1" "$(sed -n 2p all.txt)"
# Thin data said out loud: access prints the destinations per category and
# warns for a category with fewer than 3 (2 schools, 1 shop here).
"$PROXIMA" access "$P" >access.txt 2>access.err || fail "access"
expect_eq "destinations per category" "destinations_school 2 destinations_shop 1" \
  "$(grep '^destinations_' access.txt | tr '\n' ' ' | sed 's/ $//')"
grep -qF "access: category 'shop' has only 1 destination(s): its quarter-hour shares rest on very few places" access.err ||
  fail "thin category warning: $(cat access.err)"
finish
