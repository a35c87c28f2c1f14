# Service coverage equity on the demo region: 2SFCA/E2SFCA per category and
# mode, per-commune indicators (CSV ranked least served first, GeoJSON),
# inequality summary and Lorenz curves, into $OUT.
set -euo pipefail
# The network step may not have run yet (steps are independent scripts).
"$PROXIMA" layers "$PROJECT" | grep -q '^net_edges ' || "$PROXIMA" network "$PROJECT" >/dev/null
"$PROXIMA" equity "$PROJECT" -o "$OUT"
