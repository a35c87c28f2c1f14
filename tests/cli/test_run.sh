# `proxima run`, `runs` and `compare` on the two-island cycle fixture
# (tests/fixtures/cycle): every declared output is written; a second run with
# nothing changed runs no step and rewrites nothing; changing one parameter
# reruns exactly the steps that depend on it; two runs in fresh folders give
# byte-identical outputs; `compare` of the run without and with the planned
# link reports exactly the communes and values the what-if says changed.
# All assertions on steps read the run record (px_run_steps), not timings.
source "$(dirname "$0")/lib.sh"
fx="$PX_SOURCE_DIR/tests/fixtures/cycle"

# scenario NAME EXTRA_CYCLE_LINE ACCESS_MINUTES: write scenario NAME.yaml here.
scenario() {
  cat > "$1.yaml" <<EOF
name: $1
project: {path: p.sqlite, crs: EPSG:2154}
layers: $fx/two-islands.yaml
analyses:
  network: {}
  access:
    modes: [walk, bike]
    minutes: $3
  cycle:
    snap_m: 500
$2
outputs:
  geojson: [communes, access_communes, net_edge_lts]
  csv: [access_communes, cycle_coverage, cycle_connectivity]
  tiles:
    layers: tiles/layers.mbtiles
EOF
}
scenario base "" 15
scenario plan "    planned_links: $fx/plan.geojson" 15
scenario minutes10 "" 10

# steps RUN STATUS: the step ids of run RUN with that status, sorted, one line.
steps() { sqlite3 "$1" "SELECT step FROM px_run_steps WHERE run = '$2' AND status = '$3' ORDER BY step" | paste -sd, -; }
# sums DIR: sha256 and mtime of every output file (not the project store).
sums() { (cd "$1" && find . -type f ! -name '*.sqlite*' -printf '%p %T@\n' | sort && find . -type f ! -name '*.sqlite*' | sort | xargs sha256sum); }

# 1. First run: every step runs, every declared output exists.
"$PROXIMA" -q run base.yaml -o a --name first > run1.txt
P=a/p.sqlite
expect_eq "first run: steps that did not run" "" "$(steps $P first unchanged)"
expect_eq "first run: steps" 11 "$(sqlite3 $P "SELECT count(*) FROM px_run_steps WHERE run = 'first' AND status = 'ran'")"
for f in communes.geojson access_communes.geojson net_edge_lts.geojson access_communes.csv cycle_coverage.csv \
         cycle_connectivity.csv tiles/layers.mbtiles; do
  [ -s "a/$f" ] || fail "declared output a/$f missing or empty"
done
expect_eq "communes.geojson features" 2 "$(ogr_count a/communes.geojson)"
expect_eq "access_communes.csv rows (2 communes + region)" 4 "$(wc -l < a/access_communes.csv)"
expect_eq "run status" ok "$(sqlite3 $P "SELECT status FROM px_runs WHERE name = 'first'")"
grep -q '^run .first.: 11 steps, 11 ran, 0 unchanged' run1.txt || fail "summary line: $(tail -1 run1.txt)"

# 2. Nothing changed: no step runs, no file is rewritten.
sums a > before.txt
"$PROXIMA" -q run base.yaml -o a --name second > run2.txt
expect_eq "second run: steps that ran" "" "$(steps $P second ran)"
expect_eq "second run: unchanged steps" 11 "$(sqlite3 $P "SELECT count(*) FROM px_run_steps WHERE run = 'second' AND status = 'unchanged'")"
sums a > after.txt
cmp -s before.txt after.txt || fail "second run rewrote outputs: $(diff before.txt after.txt | head -5)"
# Both runs snapshot the same values.
expect_eq "snapshots of run 1 and 2 differ" 0 "$("$PROXIMA" -q compare $P first second | tail -n +2 | wc -l)"

# A missing input file stops the run before the project is touched, even
# under the name of an earlier run (whose record stays as it was).
scenario missing "    planned_links: $PWD/no-such-plan.geojson" 15
before=$(sha256sum $P | cut -d' ' -f1)
expect_fail 1 "no-such-plan.geojson: cannot open" "$PROXIMA" run missing.yaml -o a --name first
expect_eq "missing input: project bytes" "$before" "$(sha256sum $P | cut -d' ' -f1)"
expect_eq "missing input: earlier run's record" ok "$(sqlite3 $P "SELECT status FROM px_runs WHERE name = 'first'")"

# 3. One parameter changed (access minutes 15 -> 10): access and what reads
#    access_communes run again, nothing else.
"$PROXIMA" -q run minutes10.yaml -o a --name minutes10 > /dev/null
expect_eq "minutes 10: steps that ran" "access,export access_communes.csv,export access_communes.geojson" \
  "$(steps $P minutes10 ran)"
expect_eq "minutes 10: reason" "parameters or inputs changed" \
  "$(sqlite3 $P "SELECT reason FROM px_run_steps WHERE run = 'minutes10' AND step = 'access'")"
expect_eq "minutes 10: reason downstream" "upstream step changed" \
  "$(sqlite3 $P "SELECT reason FROM px_run_steps WHERE run = 'minutes10' AND step = 'export access_communes.csv'")"
# A table rewritten by a command outside the run: its step runs again (the
# exports made from the scenario's table are still right and stay).
"$PROXIMA" -q access $P --minutes 20 > /dev/null
"$PROXIMA" -q run minutes10.yaml -o a --name minutes10 > /dev/null
expect_eq "outside change: steps that ran" "access" "$(steps $P minutes10 ran)"
expect_eq "outside change: reason" "tables changed outside the run" \
  "$(sqlite3 $P "SELECT reason FROM px_run_steps WHERE run = 'minutes10' AND step = 'access'")"
# A deleted output is written again, alone.
rm a/cycle_coverage.csv
"$PROXIMA" -q run minutes10.yaml -o a --name minutes10 > /dev/null
expect_eq "deleted output: steps that ran" "export cycle_coverage.csv" "$(steps $P minutes10 ran)"
expect_eq "run names replace their own record only" "first,second,minutes10" \
  "$(sqlite3 $P "SELECT group_concat(name) FROM (SELECT name FROM px_runs ORDER BY started_at, rowid)")"

# 4. Same inputs in two fresh folders: byte-identical outputs.
"$PROXIMA" -q run base.yaml -o b1 > /dev/null
"$PROXIMA" -q run base.yaml -o b2 > /dev/null
(cd b1 && find . -type f ! -name '*.sqlite*' | sort | xargs sha256sum) > b1.sum
(cd b2 && find . -type f ! -name '*.sqlite*' | sort | xargs sha256sum) > b2.sum
expect_eq "output files" 7 "$(wc -l < b1.sum)"
cmp -s b1.sum b2.sum || fail "fresh runs differ: $(diff b1.sum b2.sum | head -5)"

# 5. compare: without vs with the planned link, in project b1. The expected
#    changes come from the what-if table the cycle module wrote (before/after).
"$PROXIMA" -q run base.yaml -o b1 --name without > /dev/null
"$PROXIMA" -q run plan.yaml -o b1 --name with > /dev/null
expect_eq "plan run: steps that ran" "cycle,export cycle_connectivity.csv,export cycle_coverage.csv,export net_edge_lts.geojson" \
  "$(steps b1/p.sqlite with ran)"
"$PROXIMA" -q compare b1/p.sqlite without with -o cmp > compare.txt
[ -s cmp/compare-without-with.csv ] || fail "compare CSV missing"
expect_eq "compare GeoJSON features (one per commune)" 2 "$(ogr_count cmp/compare-without-with.geojson)"
sqlite3 -csv b1/p.sqlite "
  SELECT 'cycle_plan', commune_id, 'score', printf('%.17g', score_before), printf('%.17g', score_after)
    FROM cycle_whatif WHERE abs(score_delta) > 1e-9 * max(abs(score_before), abs(score_after))
  UNION ALL
  SELECT 'cycle_plan', commune_id, 'covered_pct', printf('%.17g', covered_before), printf('%.17g', covered_after)
    FROM cycle_whatif WHERE abs(covered_delta) > 1e-9 * max(abs(covered_before), abs(covered_after))" | sort > expected.csv
tail -n +2 cmp/compare-without-with.csv | awk -F, '{gsub(/"/, ""); printf "%s,%s,%s,%s,%s\n", $1, $2, $5, $6, $7}' |
  sort > got.csv
[ -s expected.csv ] || fail "the planned link changes nothing in the fixture (test is void)"
# The same communes and indicators, and the same values (the CSV has 10 digits).
expect_eq "compare: changed (table, commune, indicator)" "$(cut -d, -f1-3 expected.csv | paste -sd' ' -)" \
  "$(cut -d, -f1-3 got.csv | paste -sd' ' -)"
paste -d, expected.csv got.csv | awk -F, '{ for (k = 4; k <= 5; k++) { d = $k - $(k + 5); if (d < 0) d = -d;
    m = $k < 0 ? -$k : $k; if (d > 1e-9 * m + 1e-12) { print "compare: " $0; bad = 1 } } } END { exit bad }' ||
  fail "compare: values differ from the what-if's before/after"
expect_eq "stdout rows = CSV rows" "$(tail -n +2 cmp/compare-without-with.csv | wc -l)" "$(tail -n +2 compare.txt | wc -l)"
expect_eq "run_compare n_changed total" "$(grep -vc ',"region",\|,"\*",' <(tail -n +2 cmp/compare-without-with.csv))" \
  "$(sqlite3 b1/p.sqlite "SELECT sum(n_changed) FROM run_compare")"
# The map of the change: the shipped style renders run_compare (changed communes coloured).
"$PROXIMA" -q tiles b1/p.sqlite --style "$PX_SOURCE_DIR/styles/run-compare.json" -o rc --minzoom 14 --maxzoom 14 > /dev/null
[ "$(find rc -name '*.png' | wc -l)" -gt 0 ] || fail "run-compare style: no tile rendered"
"$PROXIMA" runs b1/p.sqlite > runs.txt
expect_eq "runs listed (default name: the date)" "$(date -u +%F),without,with" "$(tail -n +2 runs.txt | awk '{print $1}' | paste -sd, -)"
expect_fail 2 "no run named 'nope' (runs: " "$PROXIMA" compare b1/p.sqlite without nope

finish
