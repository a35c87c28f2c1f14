# Split runs (--part K/N) give exactly the tables of one whole run: access,
# equity and cycle (with planned links), on SpatiaLite (parts one after the
# other, in any order) and on PostGIS (three processes at once against one
# schema), on the demo and on a synthetic grid region. Every result table is
# exported to CSV and GeoJSON and compared byte for byte with a whole run's.
# Also: an incomplete set has no region table and says which parts are
# missing; a part run with other options does not count; a part can be
# rerun; a part waits for a project held by another writer; bad --part
# values are usage errors. Runs a throwaway PostgreSQL 15 + PostGIS 3
# cluster (tests/pg/start.sh); skips its PostGIS half when they are not
# installed.
source "$(dirname "$0")/lib.sh"
L="$PX_SOURCE_DIR/layers/demo-liechtenstein.yaml"
ACCESS="access_origins access_communes"
EQUITY="equity_origins equity_communes equity_summary equity_lorenz equity_underserved"
CYCLE="net_edge_lts cycle_islands cycle_coverage cycle_connectivity cycle_connectivity_origins cycle_missing_links cycle_whatif"
PLAN="$PX_SOURCE_DIR/layers/cycle-plan-liechtenstein.geojson"

# export_all STORE DIR: every result table as CSV and GeoJSON.
export_all() {
  mkdir -p "$2"
  for t in $ACCESS $EQUITY ${3:-}; do
    "$PROXIMA" -q export "$1" "$t" -o "$2/$t.csv" || fail "$1: export $t.csv"
    case $t in equity_origins | equity_summary | equity_lorenz | cycle_connectivity_origins) continue ;; esac # no geometry
    "$PROXIMA" -q export "$1" "$t" -o "$2/$t.geojson" || fail "$1: export $t.geojson"
  done
}
# same_dirs WHAT A B [N]: the same N files (default 11), byte for byte.
same_dirs() {
  local n=0
  for f in "$2"/*; do
    cmp -s "$f" "$3/$(basename "$f")" || fail "$1: $(basename "$f") differs: $(diff "$f" "$3/$(basename "$f")" | head -3)"
    n=$((n + 1))
  done
  expect_eq "$1: files compared" "${4:-11}" "$n"
}
present() { awk '$1 == "parts_present" {print $2}' "$1"; }

# ---- SpatiaLite, the demo: parts in the order 3, 1, 2 ----------------------
"$PROXIMA" -q init demo.sqlite --crs EPSG:32632
"$PROXIMA" -q load demo.sqlite "$L" >/dev/null 2>&1 || fail "load"
"$PROXIMA" -q network demo.sqlite >/dev/null || fail "network"
cp demo.sqlite whole.sqlite
cp demo.sqlite parts.sqlite
"$PROXIMA" -q access whole.sqlite >whole-access.txt || fail "whole access"
"$PROXIMA" -q equity whole.sqlite >whole-equity.txt || fail "whole equity"
"$PROXIMA" -q cycle whole.sqlite --add-links "$PLAN" >whole-cycle.txt || fail "whole cycle"
export_all whole.sqlite whole "$CYCLE"
i=0
for k in 3 1 2; do
  i=$((i + 1))
  "$PROXIMA" access parts.sqlite --part $k/3 >a$k.txt 2>a$k.err || fail "access --part $k/3"
  "$PROXIMA" equity parts.sqlite --part $k/3 >e$k.txt 2>e$k.err || fail "equity --part $k/3"
  "$PROXIMA" cycle parts.sqlite --part $k/3 --add-links "$PLAN" >c$k.txt 2>c$k.err || fail "cycle --part $k/3"
  expect_eq "access part $k: parts present" "$i/3" "$(present a$k.txt)"
  expect_eq "cycle part $k: parts present" "$i/3" "$(present c$k.txt)"
  expect_eq "equity part $k: parts present" "$i/3" "$(present e$k.txt)"
  if [ $i -lt 3 ]; then
    # No region table while a part is missing, and the report names the missing ones.
    "$PROXIMA" layers parts.sqlite >layers.txt
    grep -q '^access_communes ' layers.txt && fail "access_communes exists with $i/3 parts"
    grep -q '^equity_summary ' layers.txt && fail "equity_summary exists with $i/3 parts"
    grep -q '^cycle_islands ' layers.txt && fail "cycle_islands exists with $i/3 parts"
    grep -q "^access_part_${k}_of_3 " layers.txt || fail "layers does not list access_part_${k}_of_3"
  fi
done
grep -qF "part 3/3 written; 1/3 parts present (missing: 1,2)" a3.err || fail "part 3 says what is missing: $(cat a3.err)"
grep -qF "part 2/3 completed the set" a2.err || fail "part 2 completes the set: $(cat a2.err)"
# The part that completes the set prints the whole run's summary.
expect_eq "access: region shares" "$(grep _all_share whole-access.txt)" "$(grep _all_share a2.txt)"
expect_eq "equity: summary" "$(cat whole-equity.txt)" "$(grep -v '^part\|^network_edges' e2.txt)"
expect_eq "cycle: summary" "$(cat whole-cycle.txt)" "$(grep -v '^part\|^network_edges' c2.txt)"
export_all parts.sqlite parts "$CYCLE"
same_dirs "SpatiaLite demo, 3 parts" whole parts 24
# Every origin in exactly one part: the parts' rows add up to the whole.
"$PROXIMA" layers parts.sqlite >parts-layers.txt
rows=0
for k in 1 2 3; do rows=$((rows + $(awk -v t="access_part_${k}_of_3" '$1 == t {print $4}' parts-layers.txt))); done
expect_eq "rows of the three access parts" 3629 "$rows"
# The buffer overhead is reported: rows read against rows of the part.
for k in 1 2 3; do
  for key in part_buffer_m part_origins_read part_edges_read part_edges_in_part network_edges; do
    grep -q "^$key [0-9]" a$k.txt || fail "access part $k: no $key line"
  done
done
expect_eq "network edges" 29381 "$(awk '$1 == "network_edges" {print $2}' a1.txt)"
# A rerun of one part rewrites its rows and the region's tables, the same.
"$PROXIMA" -q access parts.sqlite --part 1/3 >a1b.txt || fail "rerun part 1"
expect_eq "rerun: parts present" 3/3 "$(present a1b.txt)"
rm -rf parts && export_all parts.sqlite parts "$CYCLE" && same_dirs "after a rerun" whole parts 24
# A part with other options is not part of this set; the set is then incomplete.
"$PROXIMA" -q access parts.sqlite --part 2/3 --minutes 10 >a2m.txt || fail "part with other options"
expect_eq "other options: parts present" 1/3 "$(present a2m.txt)"
"$PROXIMA" layers parts.sqlite >mixed-layers.txt || fail "layers parts.sqlite"
grep -q '^access_communes ' mixed-layers.txt && fail "access_communes kept with a mixed set"
# Each part writes with -o once the set is complete only.
cp demo.sqlite o.sqlite
"$PROXIMA" -q access o.sqlite --part 1/2 -o o/ >/dev/null || fail "part 1/2 -o"
[ -e o/access_communes.csv ] && fail "-o wrote files for an incomplete set"
"$PROXIMA" -q access o.sqlite --part 2/2 -o o/ >/dev/null || fail "part 2/2 -o"
cmp -s o/access_communes.csv whole/access_communes.csv || fail "2 parts: -o access_communes.csv differs"
# A complete split drops the part tables of a split into another number of parts.
"$PROXIMA" -q access o.sqlite --part 1/1 >/dev/null || fail "part 1/1 after 2 parts"
"$PROXIMA" layers o.sqlite >o-layers.txt || fail "layers o.sqlite"
grep -q '^access_part_[12]_of_2 ' o-layers.txt && fail "parts of the old 2-part split kept"
grep -q '^access_part_1_of_1 ' o-layers.txt || fail "access_part_1_of_1 missing"
# More parts than communes: empty parts (no origin, no resident near) are fine.
cp demo.sqlite many.sqlite
cp demo.sqlite walk.sqlite
"$PROXIMA" -q access walk.sqlite --modes walk >/dev/null || fail "whole access, walk"
"$PROXIMA" -q equity walk.sqlite --modes walk >/dev/null || fail "whole equity, walk"
for k in $(seq 1 13); do
  "$PROXIMA" -q access many.sqlite --part $k/13 --modes walk >m$k.txt || fail "access part $k/13"
  "$PROXIMA" -q equity many.sqlite --part $k/13 --modes walk >me$k.txt || fail "equity part $k/13"
done
expect_eq "13 parts of 11 communes" 13/13 "$(present m13.txt)"
expect_eq "13 equity parts of 11 communes" 13/13 "$(present me13.txt)"
for t in access_communes equity_communes equity_summary; do
  "$PROXIMA" -q export walk.sqlite $t -o walk-$t.csv && "$PROXIMA" -q export many.sqlite $t -o many-$t.csv || fail "export $t"
  cmp -s walk-$t.csv many-$t.csv || fail "13 parts: $t.csv differs from a whole run's"
done

# A part whose write finds the project held longer than the busy timeout
# (5 s) waits for it instead of failing: parts finishing together queue.
cp demo.sqlite held.sqlite
python3 -c "
import sqlite3, time
c = sqlite3.connect('held.sqlite', isolation_level=None)
c.execute('BEGIN IMMEDIATE'); open('held.flag', 'w').close(); time.sleep(7); c.execute('COMMIT')" &
holder=$!
while [ ! -e held.flag ]; do sleep 0.1; done
start=$(date +%s)
"$PROXIMA" -q access held.sqlite --part 1/1 --modes walk >held.txt || fail "a part gave up on a held project"
wait "$holder"
[ $(($(date +%s) - start)) -ge 6 ] || fail "the part did not wait for the lock"
expect_eq "held: parts present" 1/1 "$(present held.txt)"

# ---- bad values: usage errors, nothing changes ----------------------------
for bad in 0/3 4/3 a/b 3 1/0 -1/3 1/3x " 1/3" 1/10001; do
  expect_fail 2 "--part $bad: want K/N" "$PROXIMA" access demo.sqlite --part "$bad"
  expect_fail 2 "--part $bad: want K/N" "$PROXIMA" equity demo.sqlite --part "$bad"
  expect_fail 2 "--part $bad: want K/N" "$PROXIMA" cycle demo.sqlite --part "$bad"
done

# ---- a synthetic region, 4 parts ------------------------------------------
"$PROXIMA" -q synth syn.sqlite --nodes 6000 --seed 7 >/dev/null || fail "synth"
"$PROXIMA" -q network syn.sqlite >/dev/null || fail "synth network"
cp syn.sqlite synw.sqlite
"$PROXIMA" -q access synw.sqlite --nth 3 >/dev/null || fail "synth whole access"
"$PROXIMA" -q equity synw.sqlite >/dev/null || fail "synth whole equity"
"$PROXIMA" -q cycle synw.sqlite >/dev/null || fail "synth whole cycle"
export_all synw.sqlite synw "${CYCLE% cycle_whatif}"
for k in 2 4 1 3; do
  "$PROXIMA" -q access syn.sqlite --nth 3 --part $k/4 >/dev/null || fail "synth access part $k"
  "$PROXIMA" -q equity syn.sqlite --part $k/4 >/dev/null || fail "synth equity part $k"
  "$PROXIMA" -q cycle syn.sqlite --part $k/4 >/dev/null || fail "synth cycle part $k"
done
export_all syn.sqlite synp "${CYCLE% cycle_whatif}"
same_dirs "synthetic region, 4 parts" synw synp 22

# ---- PostGIS: three processes at once against one schema ------------------
pgdir=$(mktemp -u /tmp/px-pg.XXXXXX)
rc=0
ci=$("$PX_SOURCE_DIR/tests/pg/start.sh" "$pgdir") || rc=$?
if [ $rc = 77 ]; then
  echo "note: PostgreSQL 15 + PostGIS not installed: PostGIS half skipped" >&2
  finish
  exit 0
fi
trap '"$PX_SOURCE_DIR/tests/pg/stop.sh" "$pgdir"' EXIT
[ $rc = 0 ] || fail "cannot start PostgreSQL"
for s in whole parts; do
  "$PROXIMA" -q init "PG:$ci schemas=$s" --crs EPSG:32632 || fail "init $s"
  "$PROXIMA" -q load "PG:$ci schemas=$s" "$L" >/dev/null 2>&1 || fail "load $s"
  "$PROXIMA" -q network "PG:$ci schemas=$s" >/dev/null || fail "network $s"
done
PW="PG:$ci schemas=whole" PP="PG:$ci schemas=parts"
"$PROXIMA" -q access "$PW" >/dev/null || fail "pg whole access"
"$PROXIMA" -q equity "$PW" >/dev/null || fail "pg whole equity"
"$PROXIMA" -q cycle "$PW" --add-links "$PLAN" >/dev/null || fail "pg whole cycle"
pids=()
for k in 1 2 3; do
  ("$PROXIMA" -q access "$PP" --part $k/3 >pa$k.txt && "$PROXIMA" -q equity "$PP" --part $k/3 >pe$k.txt &&
    "$PROXIMA" -q cycle "$PP" --part $k/3 --add-links "$PLAN" >pc$k.txt) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a PostGIS part failed"; done
expect_eq "access: one part completed the set" 1 "$(grep -l '^parts_present 3/3' pa1.txt pa2.txt pa3.txt | wc -l)"
expect_eq "equity: one part completed the set" 1 "$(grep -l '^parts_present 3/3' pe1.txt pe2.txt pe3.txt | wc -l)"
expect_eq "cycle: one part completed the set" 1 "$(grep -l '^parts_present 3/3' pc1.txt pc2.txt pc3.txt | wc -l)"
export_all "$PW" pgw "$CYCLE"
export_all "$PP" pgp "$CYCLE"
same_dirs "PostGIS, 3 concurrent parts" pgw pgp 24
same_dirs "PostGIS parts against the SpatiaLite whole run" whole pgp 24
finish
