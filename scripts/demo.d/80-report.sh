# Print maps and the council report of the demo project into out/demo/:
# maps/quarter-hour.pdf (A4), maps/equity-a3.pdf (A3 landscape), the atlas of
# the communes (maps/atlas-quarter-hour.pdf, one page each), and
# report/report.html, report.pdf, report.md (with charts/ and maps/).
set -euo pipefail
mkdir -p "$OUT/maps"
"$PROXIMA" map "$PROJECT" --style styles/quarter-hour.json -o "$OUT/maps/quarter-hour.pdf" >/dev/null
"$PROXIMA" map "$PROJECT" --style styles/equity.json -o "$OUT/maps/equity-a3.pdf" --page A3 --landscape >/dev/null
"$PROXIMA" map "$PROJECT" --style styles/quarter-hour.json --atlas -o "$OUT/maps/atlas-quarter-hour.pdf" >/dev/null
"$PROXIMA" report "$PROJECT" -o "$OUT/report" --styles-dir styles
