# Brownfield siting on the demo region with the Mutafriches-like scenario:
# ranked sites (GeoJSON + CSV) and the per-criterion breakdown, into $OUT.
# Runs after 40-equity so the equity_deficit criterion is filled.
set -euo pipefail
"$PROXIMA" layers "$PROJECT" | grep -q '^net_edges ' || "$PROXIMA" network "$PROJECT" >/dev/null
"$PROXIMA" brownfields "$PROJECT" --scenario layers/scenarios/mutafriches-like.yaml -o "$OUT"
