# Service what-ifs and siting as named runs: `proxima compare` of a what-if
# run against its baseline shows exactly, per commune, the residents gaining
# and losing that the what-if wrote (services_whatif_communes), and the
# residents within reach move by gaining - losing; the same from a scenario
# (analyses.services, analyses.site_services with add_sites); scenario
# errors name FILE:LINE; a bad --baseline changes nothing; a PostGIS project
# gives the same compare.
source "$(dirname "$0")/lib.sh"
fx="$PX_SOURCE_DIR/tests/fixtures/cycle"

# 1. CLI on a synthetic region: a baseline run from a scenario is not
#    possible without layers, so the project's first what-if records the
#    services as loaded as run 'baseline'.
"$PROXIMA" -q synth b.sqlite --nodes 2500 --seed 3
"$PROXIMA" -q network b.sqlite > /dev/null
"$PROXIMA" services b.sqlite --category health --project-xy --add 501000,6001000,50 --add 503900,6003900 \
  --close s1 --move s3:502500,6004500 --name new-health-centre > whatif.txt 2> whatif.err
grep -q "recorded as run 'baseline'" whatif.err || fail "no baseline recorded: $(cat whatif.err)"
"$PROXIMA" compare b.sqlite baseline new-health-centre -o cmp > compare.txt
# The compare as a table (its CSV: commune names hold spaces).
sqlite3 cmp.db ".import --csv cmp/compare-baseline-new-health-centre.csv c"
cq() { sqlite3 cmp.db "$1"; }
# Per commune, mode: gaining and losing from the compare (b, and change) equal the what-if's table.
cq "SELECT commune_id, substr(key, 6, instr(key, ';') - 6), indicator, CAST(b AS INTEGER), CAST(change AS INTEGER) FROM c
  WHERE \"table\" = 'services_access' AND indicator IN ('residents_gaining', 'residents_losing') ORDER BY 1, 2, 3" > cmp_gl.txt
sqlite3 b.sqlite "SELECT commune_id, mode, 'residents_gaining', CAST(residents_gaining AS INTEGER), CAST(residents_gaining AS INTEGER) FROM services_whatif_communes WHERE residents_gaining > 0
  UNION ALL SELECT commune_id, mode, 'residents_losing', CAST(residents_losing AS INTEGER), CAST(residents_losing AS INTEGER) FROM services_whatif_communes WHERE residents_losing > 0
  ORDER BY 1, 2, 3" > wi_gl.txt
[ "$(wc -l < wi_gl.txt)" -gt 4 ] || fail "the what-if changes too few communes: the test would prove nothing"
grep -q "residents_losing" wi_gl.txt || fail "nobody loses: the losing side is not checked"
cmp -s wi_gl.txt cmp_gl.txt || fail "compare's gaining/losing differ from the what-if: $(diff wi_gl.txt cmp_gl.txt | head -5)"
# Residents within: change = gaining - losing, where it is not zero.
cq "SELECT commune_id, substr(key, 6, instr(key, ';') - 6), CAST(round(change) AS INTEGER) FROM c
  WHERE \"table\" = 'services_access' AND indicator = 'residents_within' ORDER BY 1, 2" > cmp_w.txt
sqlite3 b.sqlite "SELECT commune_id, mode, CAST(round(residents_gaining - residents_losing) AS INTEGER) FROM services_whatif_communes
  WHERE residents_gaining != residents_losing ORDER BY 1, 2" > wi_w.txt
[ -s wi_w.txt ] || fail "no net change: the check would prove nothing"
cmp -s wi_w.txt cmp_w.txt || fail "residents_within changes differ: $(diff wi_w.txt cmp_w.txt | head -5)"
# The region row printed by the command equals the compare's region row.
gw=$(awk '$1 == "walk" {print $3}' whatif.txt)
lw=$(awk '$1 == "walk" {print $4}' whatif.txt)
expect_eq "region walk gaining|losing: printed = compared" "$gw|$lw" \
  "$(cq "SELECT group_concat(CAST(b AS INTEGER), '|') FROM (SELECT b FROM c WHERE \"table\" = 'services_access' AND commune_id = '*'
     AND key = 'mode=walk;category=health' AND indicator IN ('residents_gaining', 'residents_losing') ORDER BY indicator)")"
# The change map: run_compare and its GeoJSON carry the gain per commune.
c=$(sqlite3 b.sqlite "SELECT commune_id FROM services_whatif_communes WHERE mode = 'walk' AND commune_id != '*' ORDER BY residents_gaining DESC LIMIT 1")
expect_eq "run_compare: walk gain of $c" \
  "$(sqlite3 b.sqlite "SELECT CAST(residents_gaining AS INTEGER) FROM services_whatif_communes WHERE mode = 'walk' AND commune_id = '$c'")" \
  "$(sqlite3 b.sqlite "SELECT CAST(d_services_access_walk_health_residents_gaining AS INTEGER) FROM run_compare WHERE commune_id = '$c'")"
[ -s cmp/compare-baseline-new-health-centre.geojson ] || fail "no compare GeoJSON"

# A bad --baseline is refused before anything is written.
before=$(sha256sum b.sqlite)
expect_fail 2 "--baseline nope: no such run" "$PROXIMA" services b.sqlite --category health --close s1 --name x --baseline nope
expect_fail 2 "--baseline needs --name" "$PROXIMA" services b.sqlite --category health --close s1 --baseline baseline
expect_fail 2 "a what-if cannot replace the run it is applied to" "$PROXIMA" services b.sqlite --category health --close s1 --name baseline --baseline baseline
expect_eq "store unchanged by failures" "$before" "$(sha256sum b.sqlite)"

# Siting recorded as a run: its gain is the residents the chosen sites bring.
"$PROXIMA" site-services b.sqlite --category health --new 2 --candidates grid:500 --name two-sites --baseline baseline > sites.txt
final=$(awk '$1 == "final" {printf "%d", $2}' sites.txt)
"$PROXIMA" -q compare b.sqlite baseline two-sites -o cmp2 > /dev/null
sqlite3 cmp2.db ".import --csv cmp2/compare-baseline-two-sites.csv c"
expect_eq "siting run: region walk gain = the siting's final coverage" "$final" \
  "$(sqlite3 cmp2.db "SELECT CAST(b AS INTEGER) FROM c WHERE \"table\" = 'services_access' AND commune_id = '*' AND key = 'mode=walk;category=health' AND indicator = 'residents_gaining'")"

# The council report: the proposed sites ranked with the residents each
# brings, the what-if of those sites per commune, and the shared sites; the
# figures are the tables'.
"$PROXIMA" -q shared-services b.sqlite --communes c0,c1 --candidates grid:500 --mode bike > /dev/null
"$PROXIMA" report b.sqlite -o rep --date 2026-11-29 > rep.txt
grep -qx "## Service planning" rep/report.md || fail "report.md has no service-planning section"
sqlite3 b.sqlite "SELECT printf('| %d | %s | %.0f | %.0f |', rank, candidate_id, gain, objective) FROM services_sites ORDER BY rank" > want.txt
sqlite3 b.sqlite "SELECT printf('| %s | %s | %.0f | %.0f | %.1f | %.1f |', commune_name, CASE mode WHEN 'walk' THEN 'on foot' ELSE 'by bike' END,
  residents_gaining, residents_losing, share_before * 100, share_after * 100) FROM services_whatif_communes" >> want.txt
sqlite3 b.sqlite "SELECT printf('| %d | %s | %.0f | %.1f |', rank, candidate_id, residents_served, worst_centre_min) FROM services_shared" >> want.txt
[ "$(wc -l < want.txt)" -gt 20 ] || fail "too few report figures to check: $(wc -l < want.txt)"
missing=0
while IFS= read -r line; do
  grep -qF -- "$line" rep/report.md || { missing=$((missing + 1)); [ $missing -le 5 ] && fail "report.md lacks '$line'"; }
done < want.txt
expect_eq "service figures missing from report.md" "0" "$missing"
expect_eq "sites ranked: rank 1 first" "1" "$(grep -A4 'Proposed service sites, ranked' rep/report.md | awk -F'|' 'NR == 5 {gsub(/ /, "", $2); print $2}')"

# 2. Scenarios on the two-island fixture (schools at x=100 and x=400; 100
#    residents at x=0 in West, 300 at x=500 in East; 2 walking minutes reach
#    160 m): closing s2 loses the 300 of East, opening a school near x=500
#    gives them back.
ll=$(echo "700480 6600005" | cs2cs -f %.10f EPSG:2154 EPSG:4326 | awk '{print $1 "," $2}')
lonlat=$(echo "$ll" | awk -F, '{print $2 "," $1}')
scen() {
  cat > "$1.yaml" <<EOF
name: $1
output: out
project: {path: p.sqlite, crs: EPSG:2154}
layers: $fx/two-islands.yaml
analyses:
  network: {}
  access: {categories: [school, shop], minutes: 2, modes: [walk]}
$2
EOF
}
scen base ""
scen closing "  services: {category: school, close: [s2], minutes: 2, modes: [walk]}"
scen reopen "  services: {category: school, close: [s2], add: [\"$lonlat\"], minutes: 2, modes: [walk]}"
"$PROXIMA" -q run base.yaml --name baseline > /dev/null
"$PROXIMA" -q run closing.yaml --name closing > /dev/null
"$PROXIMA" compare out/p.sqlite baseline closing > c1.txt
expect_eq "closing s2: East loses its 300" "B|residents_losing|0|300|300" \
  "$(awk '$1 == "services_access" && $2 == "B" && $5 == "residents_losing" {print $2 "|" $5 "|" $6 "|" $7 "|" $8}' c1.txt)"
expect_eq "closing s2: East residents within 300 -> 0" "300|0" \
  "$(awk '$1 == "services_access" && $2 == "B" && $5 == "residents_within" {print $6 "|" $7}' c1.txt)"
expect_eq "closing s2: access share of East 1 -> 0" "1|0" \
  "$(awk '$1 == "access_communes" && $2 == "B" && $5 == "walk_school_share" {print $6 "|" $7}' c1.txt)"
expect_eq "closing s2: West unchanged" "" "$(awk '$2 == "A"' c1.txt)"
"$PROXIMA" -q run reopen.yaml --name reopen > /dev/null
expect_eq "reopening near East: no change against the baseline" "" \
  "$("$PROXIMA" compare out/p.sqlite baseline reopen | awk '$1 == "services_access" && $5 == "residents_within"')"
expect_eq "closing -> reopen: East gains 300" "300" \
  "$("$PROXIMA" compare out/p.sqlite closing reopen | awk '$1 == "services_access" && $2 == "B" && $5 == "residents_within" {print $8}')"

# The same two runs on a PostGIS project: the same compare, line for line;
# and a CLI what-if run there.
pgdir=$(mktemp -u /tmp/px-pg.XXXXXX)
trap '"$PX_SOURCE_DIR/tests/pg/stop.sh" "$pgdir"' EXIT
ci=$("$PX_SOURCE_DIR/tests/pg/start.sh" "$pgdir")
PG="PG:$ci schemas=svc"
"$PROXIMA" -q init "$PG" --crs EPSG:2154
for n in base closing; do sed "s|path: p.sqlite|path: \"$PG\"|" $n.yaml > pg-$n.yaml; done
"$PROXIMA" -q run pg-base.yaml --name baseline > /dev/null
"$PROXIMA" -q run pg-closing.yaml --name closing > /dev/null
"$PROXIMA" compare "$PG" baseline closing > c1-pg.txt
cmp -s c1.txt c1-pg.txt || fail "PostGIS compare differs from SpatiaLite: $(diff c1.txt c1-pg.txt | head -4)"
"$PROXIMA" -q services "$PG" --category school --close s1 --minutes 2 --modes walk --name no-s1 --baseline baseline > /dev/null
expect_eq "PostGIS what-if run: West loses its 100" "100" \
  "$("$PROXIMA" compare "$PG" baseline no-s1 | awk '$1 == "services_access" && $2 == "A" && $5 == "residents_losing" {print $7}')"

# Siting in a scenario, its sites opened by the what-if (add_sites): West
# (100 residents at x=0) has no shop within 2 minutes; one new shop on a
# 100 m grid brings it.
scen siting "  site_services: {category: shop, new: 1, candidates: \"grid:100\", minutes: 2}
  services: {category: shop, add_sites: true, minutes: 2, modes: [walk]}"
"$PROXIMA" -q run siting.yaml --name siting > /dev/null
expect_eq "one site chosen, gaining West's 100" "1|100" "$(sqlite3 out/p.sqlite 'SELECT count(*), CAST(sum(gain) AS INTEGER) FROM services_sites')"
"$PROXIMA" compare out/p.sqlite baseline siting > c3.txt
expect_eq "siting run: West gains 100 shop residents" "0|100|100" \
  "$(awk '$1 == "services_access" && $2 == "A" && $4 ~ /category=shop/ && $5 == "residents_gaining" {print $6 "|" $7 "|" $8}' c3.txt)"
expect_eq "siting run: only West changes" "A" "$(awk '$1 == "services_access" {print $2}' c3.txt | grep -v '^\*$' | sort -u)"

# Scenario errors: FILE:LINE.
scen bad1 "  services: {category: school, minutes: 2}"
expect_fail 2 "bad1.yaml:8: analyses.services needs a change" "$PROXIMA" run bad1.yaml
scen bad2 "  services: {category: school, add: [\"1,2,x\"]}"
expect_fail 2 "bad2.yaml:8: analyses.services.add: '1,2,x': want \"LON,LAT[,CAP]\"" "$PROXIMA" run bad2.yaml
scen bad3 "  services: {category: school, add_sites: true}"
expect_fail 2 "bad3.yaml:8: analyses.services: 'add_sites' needs analyses.site_services" "$PROXIMA" run bad3.yaml
scen bad4 "  site_services: {category: school, new: 1, candidates: \"grid:1\"}"
expect_fail 2 "bad4.yaml:8: 'candidates' in analyses.site_services: 'grid:1': want grid:M" "$PROXIMA" run bad4.yaml
scen bad5 "  services: {category: school, clos: [s1]}"
expect_fail 2 "bad5.yaml:8: unknown key 'clos' in analyses.services" "$PROXIMA" run bad5.yaml
finish
