# `proxima cycle`: usage errors, the rule listing, a run on a small synthetic
# region (tables written, summary printed), a what-if with a planned link,
# and the error for a planned link away from the network.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
S=$(proj s)

# Usage errors exit 2 and name the problem.
expect_fail 2 "missing PROJECT" "$PROXIMA" cycle
expect_fail 2 "--detour 0.8: want a number in [1, 10]" "$PROXIMA" cycle p.sqlite --detour 0.8
expect_fail 2 "--max-lts 5: want a whole number from 1 to 4" "$PROXIMA" cycle p.sqlite --max-lts 5
expect_fail 2 "--weight school: want CATEGORY=WEIGHT" "$PROXIMA" cycle p.sqlite --weight school
expect_fail 2 "unknown option '--frob'" "$PROXIMA" cycle p.sqlite --frob
"$PROXIMA" help cycle | grep -q 'Usage: proxima cycle' || fail "help cycle"

# The rule table: 18 rows, first the bicycle ban, last fast mixed traffic.
"$PROXIMA" cycle --rules > rules.txt
expect_eq "rule rows" 18 "$(wc -l < rules.txt)"
expect_eq "first rule" " 1 bicycle-forbidden: bicycle=no, -> not bikeable" "$(head -1 rules.txt)"
grep -q '^18 mixed-fast: .*-> LTS 4$' rules.txt || fail "last rule: $(tail -1 rules.txt)"

# Runtime errors exit 1: no project, no network.
expect_fail 1 "missing.sqlite" "$PROXIMA" cycle missing.sqlite
"$PROXIMA" -q synth "$S" --nodes 400 --seed 3
expect_fail 1 "no network" "$PROXIMA" cycle "$S"

"$PROXIMA" -q network "$S" > /dev/null
"$PROXIMA" -q cycle "$S" --top 5 > out.txt || fail "cycle run"
grep -Eq '^edges [0-9]+: LTS 1 [0-9]+, LTS 2 0, LTS 3 0, LTS 4 0, not bikeable 0$' out.txt \
  || fail "edges line: $(head -1 out.txt)"
grep -Eq '^connectivity score [0-9]+\.[0-9]$' out.txt || fail "score line: $(cat out.txt)"
"$PROXIMA" layers "$S" > layers.txt
for t in net_edge_lts cycle_islands cycle_coverage cycle_connectivity cycle_connectivity_origins cycle_missing_links; do
  grep -q "^$t " layers.txt || fail "table $t not written"
done
grep -q "^cycle_whatif " layers.txt && fail "cycle_whatif written without --add-links"
# Every bikeable edge gets an LTS row; the islands count matches the table.
edges=$(sed -n 's/^edges \([0-9]*\):.*/\1/p' out.txt)
expect_eq "net_edge_lts rows" "$edges" "$(awk '$1 == "net_edge_lts" {print $4}' layers.txt)"
islands=$(sed -n 's/^low-stress islands //p' out.txt)
expect_eq "cycle_islands rows" "$islands" "$(awk '$1 == "cycle_islands" {print $4}' layers.txt)"

# What-if: a planned link between two nodes of the grid (synth starts at
# 500000, 6000000 in EPSG:2154, 100 m spacing), given in the project CRS.
cat > plan.geojson <<'JSON'
{"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
 "features": [{"type": "Feature", "properties": {"name": "diagonal"},
   "geometry": {"type": "LineString", "coordinates": [[500000, 6000000], [500300, 6000300]]}}]}
JSON
"$PROXIMA" -q cycle "$S" --add-links plan.geojson > whatif.txt || fail "what-if run"
grep -Eq '^what-if: 1 planned links, connectivity [0-9.]+ -> [0-9.]+, covered [0-9]+ -> [0-9]+$' whatif.txt \
  || fail "what-if line: $(tail -1 whatif.txt)"
"$PROXIMA" layers "$S" | grep -q '^cycle_whatif ' || fail "cycle_whatif not written"

# A planned link far from the network: exit 1, the file and the distance named.
sed 's/6000300/6009000/; s/\[500000, 6000000\]/[500000, 6008000]/' plan.geojson > far.geojson
expect_fail 1 "far.geojson:0: an end of the planned link is" "$PROXIMA" cycle "$S" --add-links far.geojson
expect_fail 1 "nothere.geojson: cannot open as a vector file: No such file or directory" "$PROXIMA" cycle "$S" --add-links nothere.geojson
echo "not a vector file" > junk.geojson
expect_fail 1 "junk.geojson: cannot open as a vector file:" "$PROXIMA" cycle "$S" --add-links junk.geojson
finish
