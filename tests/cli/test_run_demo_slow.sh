# The bundled scenario (layers/scenarios/demo.yaml) on the demo region: every
# declared output is written; a second run with nothing changed runs no step
# (from the run record) and rewrites nothing (sha256 and mtime of every file);
# a run of the same inputs in a fresh folder is byte-identical (sha256 of every
# output); the variant with the planned cycle links reruns only the cycle step
# and what reads it, and `compare` reports exactly what the what-if changed.
# One full run is shared by the assertions; the second full run is the
# fresh-folder one. (~40 s of CPU each on the development machine.)
source "$(dirname "$0")/lib.sh"
S="$PX_SOURCE_DIR/layers/scenarios"

steps() { sqlite3 "$1" "SELECT step FROM px_run_steps WHERE run = '$2' AND status = '$3' ORDER BY pos" | paste -sd, -; }
sums() { (cd "$1" && find . -type f ! -name '*.sqlite*' -printf '%p %T@\n' | sort && find . -type f ! -name '*.sqlite*' | sort | xargs sha256sum); }

# The outputs the scenario declares, read from its text (not from Proxima).
declared=$(python3 - "$S/demo.yaml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
out = []
for key, ext in (("geojson", "geojson"), ("csv", "csv")):
    m = re.search(r"^  %s: \[(.*?)\]" % key, text, re.S | re.M)
    out += ["%s.%s" % (t.strip(), ext) for t in m.group(1).split(",")]
for key in ("layers", "results"):
    out.append(re.search(r"^    %s: (\S+)" % key, text, re.M).group(1))
for s in re.search(r"^    styles: \[(.*?)\]", text, re.S | re.M).group(1).split(","):
    out.append("tiles/%s/tiles.json" % s.strip().rsplit("/", 1)[1][:-5])
out.append(re.search(r"^  site: (\S+)", text, re.M).group(1) + "/index.html")
out += re.findall(r"^    - \{style: \S+, file: ([^,}]+)", text, re.M)
out.append(re.search(r"^  report: \{dir: ([^,}]+)", text, re.M).group(1) + "/report.pdf")
print("\n".join(out))
EOF
)
expect_eq "declared outputs" 45 "$(wc -l <<<"$declared")"

"$PROXIMA" -q run "$S/demo.yaml" -o a --name baseline > run1.txt
P=a/demo.sqlite
expect_eq "first run: status" ok "$(sqlite3 $P "SELECT status FROM px_runs WHERE name = 'baseline'")"
expect_eq "first run: unchanged steps" "" "$(steps $P baseline unchanged)"
while read -r f; do
  [ -s "a/$f" ] || fail "declared output a/$f missing or empty"
done <<<"$declared"
expect_eq "communes.geojson features" 11 "$(ogr_count a/communes.geojson)"
expect_eq "access_communes.csv rows (11 communes + region)" 13 "$(wc -l < a/access_communes.csv)"
n_png=$(find a/tiles/quarter-hour -name '*.png' | wc -l)
[ "$n_png" -gt 10 ] || fail "quarter-hour raster tiles: only $n_png PNGs"
expect_eq "per-commune tables snapshotted" \
  "access_communes,cycle_connectivity,cycle_coverage,cycle_plan,equity_communes,flood_exposure,flood_scenario_communes,services_access" \
  "$(sqlite3 $P "SELECT group_concat(t) FROM (SELECT DISTINCT result_table AS t FROM px_run_values WHERE run = 'baseline' ORDER BY t)")"
# Siting in the demo scenario: two health sites, in the report with the residents they bring.
expect_eq "demo: two health sites" "2" "$(sqlite3 $P 'SELECT count(*) FROM services_sites')"
r1=$(sqlite3 $P "SELECT printf('| 1 | %s | %.0f | %.0f |', candidate_id, gain, objective) FROM services_sites WHERE rank = 1")
grep -qF -- "$r1" a/report/report.md || fail "report.md lacks the first proposed site '$r1'"

# Nothing changed: no step runs, nothing is rewritten.
sums a > before.txt
"$PROXIMA" -q run "$S/demo.yaml" -o a --name again > /dev/null
expect_eq "second run: steps that ran" "" "$(steps $P again ran)"
expect_eq "second run: steps" "$(sqlite3 $P "SELECT count(*) FROM px_run_steps WHERE run = 'baseline'")" \
  "$(sqlite3 $P "SELECT count(*) FROM px_run_steps WHERE run = 'again' AND status = 'unchanged'")"
sums a > after.txt
cmp -s before.txt after.txt || fail "second run rewrote outputs: $(diff before.txt after.txt | head -5)"

# Same inputs in a fresh folder: byte-identical outputs.
"$PROXIMA" -q run "$S/demo.yaml" -o b > /dev/null
(cd a && find . -type f ! -name '*.sqlite*' | sort | xargs sha256sum) > a.sum
(cd b && find . -type f ! -name '*.sqlite*' | sort | xargs sha256sum) > b.sum
cmp -s a.sum b.sum || fail "fresh runs differ: $(diff a.sum b.sum | head -5)"

# The variant with the planned links (same analyses, its own outputs): only
# the cycle step and the what-if's outputs run; back to the baseline, only the
# cycle step (the project holds one state of the cycle tables at a time).
"$PROXIMA" -q run "$S/demo-cycle-plan.yaml" -o a --name with-plan > /dev/null
expect_eq "with-plan: steps that ran" "cycle,export cycle_whatif.geojson,export cycle_whatif.csv,report report-with-plan" \
  "$(steps $P with-plan ran)"
"$PROXIMA" -q compare $P baseline with-plan -o cmp > compare.txt
sqlite3 -csv $P "
  SELECT 'cycle_plan', commune_id, 'score', printf('%.17g', score_before), printf('%.17g', score_after)
    FROM cycle_whatif WHERE abs(score_delta) > 1e-9 * max(abs(score_before), abs(score_after))
  UNION ALL
  SELECT 'cycle_plan', commune_id, 'covered_pct', printf('%.17g', covered_before), printf('%.17g', covered_after)
    FROM cycle_whatif WHERE abs(covered_delta) > 1e-9 * max(abs(covered_before), abs(covered_after))" | sort > expected.csv
tail -n +2 cmp/compare-baseline-with-plan.csv | awk -F, '{gsub(/"/, ""); printf "%s,%s,%s,%s,%s\n", $1, $2, $5, $6, $7}' |
  sort > got.csv
[ "$(wc -l < expected.csv)" -gt 2 ] || fail "the planned links change too little to test: $(cat expected.csv)"
# The same communes and indicators, and the same values (the CSV has 10 digits).
expect_eq "compare: changed (table, commune, indicator)" "$(cut -d, -f1-3 expected.csv | paste -sd' ' -)" \
  "$(cut -d, -f1-3 got.csv | paste -sd' ' -)"
paste -d, expected.csv got.csv | awk -F, '{ for (k = 4; k <= 5; k++) { d = $k - $(k + 5); if (d < 0) d = -d;
    m = $k < 0 ? -$k : $k; if (d > 1e-9 * m + 1e-12) { print "compare: " $0; bad = 1 } } } END { exit bad }' ||
  fail "compare: values differ from the what-if's before/after"
grep -q '^## What changed: with-plan compared with baseline' a/report-with-plan/report.md ||
  fail "the with-plan report has no comparison section"
expect_eq "atlas pages (one per commune)" 11 "$(pdfinfo a/maps/atlas-quarter-hour.pdf | awk '/^Pages:/ {print $2}')"
expect_eq "compare GeoJSON features" 11 "$(ogr_count cmp/compare-baseline-with-plan.geojson)"

finish
