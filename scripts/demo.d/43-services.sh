# Service planning on the demo region: a what-if on health services (one
# opened in Vaduz, one closed, one moved), three new health sites chosen from
# a 500 m grid (coverage), and sites for a service shared by Schellenberg
# and Gamprin (bike, 15 min); tables in the project, CSV/GeoJSON in $OUT.
set -euo pipefail
"$PROXIMA" layers "$PROJECT" | grep -q '^net_edges ' || "$PROXIMA" network "$PROJECT" >/dev/null
"$PROXIMA" services "$PROJECT" --category health --add 9.52,47.14,2 --close 6245 --move 14801:9.50,47.16
"$PROXIMA" export "$PROJECT" services_whatif_communes -o "$OUT/services_whatif_communes.csv"
"$PROXIMA" site-services "$PROJECT" --category health --new 3 --candidates grid:500
"$PROXIMA" export "$PROJECT" services_sites -o "$OUT/services_sites.geojson"
"$PROXIMA" shared-services "$PROJECT" --communes LI-08,LI-03 --candidates grid:250 --mode bike --top 5
"$PROXIMA" export "$PROJECT" services_shared -o "$OUT/services_shared.geojson"
