# Service planning on the demo region: a what-if on health services (one
# opened in Vaduz, one closed, one moved) recorded as run "health-plan" on
# the scenario's "baseline" run and compared with it (per-commune residents
# gaining and losing: compare-baseline-health-plan.*), and sites for a
# service shared by Schellenberg and Gamprin (bike, 15 min). The two new
# health sites chosen from a 1 km grid come from the scenario
# (analyses.site_services: services_sites.geojson). Tables in the project,
# CSV/GeoJSON in $OUT.
set -euo pipefail
"$PROXIMA" layers "$PROJECT" | grep -q '^net_edges ' || "$PROXIMA" network "$PROJECT" >/dev/null
"$PROXIMA" services "$PROJECT" --category health --add 9.52,47.14,2 --close 6245 --move 14801:9.50,47.16 \
  --name health-plan --baseline baseline
"$PROXIMA" export "$PROJECT" services_whatif_communes -o "$OUT/services_whatif_communes.csv"
"$PROXIMA" compare "$PROJECT" baseline health-plan -o "$OUT" > "$OUT/compare-baseline-health-plan.txt"
"$PROXIMA" shared-services "$PROJECT" --communes LI-08,LI-03 --candidates grid:250 --mode bike --top 5
"$PROXIMA" export "$PROJECT" services_shared -o "$OUT/services_shared.geojson"
