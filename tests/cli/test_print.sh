# proxima map and proxima report end to end on a small synthetic region
# (Lambert-93) with access, equity, cycle, flood and brownfield results:
# PDFs checked with pdfinfo (pages, A4/A3 size), the atlas has one page per
# commune, the SVG parses, report.md holds the figures the tables hold (read
# here independently with Python's sqlite3), report.html has no external
# reference, reruns with the same date are byte-identical; usage errors.
source "$(dirname "$0")/lib.sh"
SCEN="$PX_SOURCE_DIR/layers/scenarios/mutafriches-like.yaml"
STYLES="$PX_SOURCE_DIR/styles"

"$PROXIMA" synth s.sqlite --nodes 2500 --seed 3 2>/dev/null || fail "synth"
"$PROXIMA" network s.sqlite >/dev/null 2>&1 || fail "network"
crs='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}'
cat > zones.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"z1","hazard":"fort"},"geometry":{"type":"Polygon","coordinates":[[[502000,5999000],[502400,5999000],[502400,6006000],[502000,6006000],[502000,5999000]]]}}]}
JSON
cat > sites.geojson <<JSON
{"type":"FeatureCollection",$crs,"features":[
{"type":"Feature","properties":{"id":"A","name":"Wet","kind":"industrial"},"geometry":{"type":"Polygon","coordinates":[[[502100,6001000],[502300,6001000],[502300,6001200],[502100,6001200],[502100,6001000]]]}},
{"type":"Feature","properties":{"id":"C","name":"Dry","kind":"commercial"},"geometry":{"type":"Polygon","coordinates":[[[500500,6003000],[500700,6003000],[500700,6003200],[500500,6003200],[500500,6003000]]]}},
{"type":"Feature","properties":{"id":"N","name":"No shape","kind":"railway"},"geometry":null}]}
JSON
printf 'layers:\n  flood_zones:\n    - source: zones.geojson\n      fields: {id: id, hazard: hazard}\n  brownfields:\n    - source: sites.geojson\n      fields: {id: id, name: name, kind: kind}\n' > extra.yaml
"$PROXIMA" load s.sqlite extra.yaml >/dev/null 2>&1 || fail "load extra layers"
for step in "access s.sqlite" "equity s.sqlite" "cycle s.sqlite" "flood s.sqlite" \
            "brownfields s.sqlite --scenario $SCEN"; do
  "$PROXIMA" $step >/dev/null 2>&1 || fail "$step"
done
n_communes=$(sqlite3 s.sqlite "SELECT count(*) FROM communes")

# ---- maps ----------------------------------------------------------------------
pdf_field() { pdfinfo "$1" | sed -n "s/^$2: *//p"; }
"$PROXIMA" map s.sqlite --style "$STYLES/quarter-hour.json" -o qh.pdf --date 2026-11-29 > map.txt || fail "map pdf"
expect_eq "map pages" "1" "$(pdf_field qh.pdf Pages)"
expect_eq "A4 portrait" "595.28 x 841.89 pts (A4)" "$(pdf_field qh.pdf 'Page size')"
expect_eq "stdout pages" "pages 1" "$(head -1 map.txt)"
grep -q '^scale 1:[0-9]' map.txt || fail "scale printed: $(cat map.txt)"
"$PROXIMA" -q map s.sqlite --style "$STYLES/equity.json" -o eq.pdf --page A3 --landscape --title "Équité" || fail "map A3"
expect_eq "A3 landscape" "1190.55 x 841.89 pts (A3)" "$(pdf_field eq.pdf 'Page size')"
expect_eq "title in the PDF metadata" "Équité" "$(pdf_field eq.pdf Title)"
"$PROXIMA" -q map s.sqlite --style "$STYLES/quarter-hour.json" --atlas -o atlas.pdf || fail "atlas"
expect_eq "atlas: one page per commune" "$n_communes" "$(pdf_field atlas.pdf Pages)"
# Each atlas page is titled with its commune: the text of page 3 holds the third commune's name.
third=$(sqlite3 s.sqlite "SELECT name FROM communes ORDER BY fid LIMIT 1 OFFSET 2")
pdftotext -f 3 -l 3 atlas.pdf - | grep -qF "$third" || fail "atlas page 3 is not titled '$third'"
"$PROXIMA" -q map s.sqlite --style "$STYLES/cycle-lts.json" -o lts.svg || fail "map svg"
python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse("lts.svg").getroot()
assert r.tag.endswith("svg"), r.tag
assert r.get("width") == "595.28pt" and r.get("height") == "841.89pt", (r.get("width"), r.get("height"))
assert len(list(r.iter())) > 100' || fail "SVG does not parse or is empty"
"$PROXIMA" -q map s.sqlite --style "$STYLES/quarter-hour.json" -o qh.png --dpi 72 || fail "map png"
expect_eq "PNG is A4 at 72 dpi" "596x842" "$(python3 -c 'import struct; d=open("qh.png","rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))')"
# Same inputs and date: same bytes.
"$PROXIMA" -q map s.sqlite --style "$STYLES/quarter-hour.json" -o qh2.pdf --date 2026-11-29 || fail "map again"
cmp -s qh.pdf qh2.pdf || fail "two maps of the same inputs and date differ"

# ---- report ---------------------------------------------------------------------
"$PROXIMA" report s.sqlite -o rep --date 2026-11-29 > rep.txt 2>err.txt || fail "report: $(cat err.txt)"
for f in report.md report.html report.pdf; do [ -s "rep/$f" ] || fail "rep/$f missing"; done
expect_eq "sections" "sections 5" "$(sed -n 1p rep.txt)"
expect_eq "A4 report" "595.28 x 841.89 pts (A4)" "$(pdf_field rep/report.pdf 'Page size')"
[ "$(pdf_field rep/report.pdf Pages)" -ge 5 ] || fail "report.pdf has $(pdf_field rep/report.pdf Pages) pages"
n_maps=$(sed -n 's/^maps //p' rep.txt)
n_charts=$(sed -n 's/^charts //p' rep.txt)
[ "$n_maps" -ge 4 ] || fail "maps: $n_maps"
expect_eq "charts: bars, 2 histograms, 2 Lorenz" "5" "$n_charts"
expect_eq "chart files" "$n_charts" "$(ls rep/charts/*.svg | wc -l)"

# The figures of report.md, computed here from the tables.
python3 - "$PWD/s.sqlite" "$PWD/rep/report.md" > expected.txt <<'PY' || fail "expected figures"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def cols(t): return [r[1] for r in db.execute("PRAGMA table_info(%s)" % t)]
def namecol(t): return next(c for c in ("commune_name", "name", "commune") if c in cols(t))
region = ("*", "region")
# Quarter-hour access: every commune's rank, residents and "all" share, on foot and by bike.
n = namecol("access_communes")
for mode in ("walk", "bike"):
    rows = [r for r in db.execute("SELECT commune_id, %s, population, %s_all_share FROM access_communes" % (n, mode))
            if r[0] not in region]
    rows.sort(key=lambda r: (-r[3], r[1]))
    for i, r in enumerate(rows):
        print("| %d | %s | %.0f | %.1f |" % (i + 1, r[1], r[2], r[3] * 100))
    reg = db.execute("SELECT population, %s_all_share FROM access_communes WHERE commune_id IN ('*', 'region')" % mode).fetchone()
    print("|  | All communes | %.0f | %.1f |" % (reg[0], reg[1] * 100))
# Headline figures of the whole region.
reg = db.execute("SELECT population, walk_all_share, bike_all_share FROM access_communes WHERE commune_id IN ('*', 'region')").fetchone()
print("| Residents | %.0f | access_communes |" % reg[0])
print("| Residents with every category within 15 minutes on foot (%%) | %.1f | access_communes |" % (reg[1] * 100))
print("| Residents with every category within 15 minutes by bike (%%) | %.1f | access_communes |" % (reg[2] * 100))
# Equity: Gini per mode and category (E2SFCA).
for m, c, g in db.execute("SELECT mode, category, gini FROM equity_summary WHERE method = 'e2sfca'"):
    print("| %s | %s | %s |" % (m, c, "n/a" if g is None else "%.3f" % g))
# Flood: residents exposed and their share per commune.
n = namecol("flood_exposure")
for name, res, share in db.execute("SELECT %s, residents, residents_share FROM flood_exposure WHERE hazard = 'any'" % n):
    print("| %s | %.0f | %.1f |" % (name, res, share * 100))
# Brownfields: the best site for each use.
for use, site in db.execute("SELECT use, site_id FROM brownfield_scores WHERE rank = 1"):
    print("| %s | 1 | %s |" % (use, site))
# Cycling: coverage and connectivity per commune.
nc = namecol("cycle_coverage")
for name, pop, pct, score in db.execute(
        "SELECT v.%s, v.population, v.covered_pct, n.score FROM cycle_coverage v JOIN cycle_connectivity n USING (commune_id) "
        "WHERE v.commune_id NOT IN ('*', 'region')" % nc):
    print("| %s | %.0f | %.1f |" % (name, pop, pct) + ("" if score is None else ""))
PY
[ "$(wc -l < expected.txt)" -gt 40 ] || fail "too few expected figures: $(wc -l < expected.txt)"
missing=0
while IFS= read -r line; do
  grep -qF -- "$line" rep/report.md || { missing=$((missing + 1)); [ $missing -le 5 ] && fail "report.md lacks '$line'"; }
done < expected.txt
expect_eq "figures missing from report.md" "0" "$missing"
# Connectivity scores, whole, in the cycling table rows.
python3 - "$PWD/s.sqlite" <<'PY' > scores.txt
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (s,) in db.execute("SELECT score FROM cycle_connectivity WHERE commune_id NOT IN ('*', 'region') AND score IS NOT NULL"):
    print("| %.1f |" % s)
PY
while IFS= read -r line; do grep -qF -- "$line" rep/report.md || fail "report.md lacks connectivity '$line'"; done < scores.txt

# The data-quality box: the last load of each layer, the rejected feature (no geometry) as a warning.
grep -qF -- "- Last loads: brownfields: 3 read, 2 loaded, 0 repaired, 1 rejected; flood_zones: 1 read, 1 loaded, 0 repaired, 0 rejected. Rejected features in all: 1." rep/report.md \
  || fail "load records not in the data-quality box: $(grep -F 'Last loads' rep/report.md)"
grep -qF -- "- Warning: 1 feature(s) of brownfields were rejected at load" rep/report.md || fail "rejected feature not warned"
services_n=$(sqlite3 s.sqlite "SELECT group_concat(category || ' ' || n, ', ') FROM (SELECT category, count(*) AS n FROM services GROUP BY category ORDER BY category)")
grep -qF -- "- Services per category: $services_n." rep/report.md || fail "services per category: want '$services_n'"

# report.html: self-contained, offline.
if grep -Eo '(src|href)="[^"]{0,40}' rep/report.html | grep -v '^src="data:' | grep -v '^href="#s[0-9]' | grep -q .; then
  fail "report.html refers to something outside itself: $(grep -Eo '(src|href)="[^"]{0,40}' rep/report.html | grep -v '^src="data:' | grep -v '^href="#' | head -3)"
fi
# Every contents link has its heading.
for a in $(grep -o 'href="#s[0-9]*"' rep/report.html | sed 's/href="#\(s[0-9]*\)"/\1/'); do
  grep -q "<h2 id=\"$a\">" rep/report.html || fail "contents link #$a has no heading"
done
grep -Eq 'https?://|url\(|<script|<link' rep/report.html && fail "report.html has a URL, url(), script or link"
expect_eq "inline images" "$((n_maps + n_charts))" "$(grep -o '<img ' rep/report.html | wc -l)"
# Same date, same bytes (all three files).
"$PROXIMA" -q report s.sqlite -o rep2 --date 2026-11-29 >/dev/null || fail "report again"
for f in report.md report.html report.pdf; do cmp -s "rep/$f" "rep2/$f" || fail "$f differs between two identical runs"; done

# --no-times: an analysis computed again (same inputs, new write times) gives the same report.
"$PROXIMA" -q report s.sqlite -o nt1 --date 2026-11-29 --no-times >/dev/null || fail "report --no-times"
"$PROXIMA" cycle s.sqlite >/dev/null 2>&1 || fail "cycle again"
"$PROXIMA" -q report s.sqlite -o nt2 --date 2026-11-29 --no-times >/dev/null || fail "report --no-times again"
for f in report.md report.html report.pdf; do cmp -s "nt1/$f" "nt2/$f" || fail "--no-times: $f differs after recomputing cycle"; done
grep -q 'T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' nt1/report.md && fail "--no-times left a write time in report.md"

# A project with no analysis: every section says what to run; no map, still three files.
"$PROXIMA" -q init empty.sqlite --crs EPSG:2154
"$PROXIMA" -q report empty.sqlite -o rep3 --date 2026-11-29 > rep3.txt || fail "report of an empty project"
grep -qF 'Quarter-hour access: not in this project (run `proxima access PROJECT`).' rep3/report.md || fail "missing access not said"
expect_eq "no map" "maps 0" "$(sed -n 3p rep3.txt)"

# ---- errors -----------------------------------------------------------------------
expect_fail 2 "-o must end in .pdf, .png or .svg" "$PROXIMA" map s.sqlite --style "$STYLES/flood.json" -o m.txt
expect_fail 2 "--atlas writes one PDF" "$PROXIMA" map s.sqlite --style "$STYLES/flood.json" --atlas -o m.png
expect_fail 2 "--page: unknown value 'A5'" "$PROXIMA" map s.sqlite --style "$STYLES/flood.json" --page A5 -o m.pdf
expect_fail 2 "--date wants YYYY-MM-DD" "$PROXIMA" report s.sqlite -o r --date 29/11/2026
expect_fail 1 "the style draws source-layer 'equity_communes'" "$PROXIMA" map empty.sqlite --style "$STYLES/equity.json" -o m.pdf
[ ! -e m.pdf ] || fail "a failed map left m.pdf"
finish
