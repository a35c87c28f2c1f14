# Flood exposure per commune and hazard class, and the scenario where every
# network edge touching a high-hazard zone is closed, into $OUT.
# The demo's flood zones are proxies (bands along rivers), not hazard maps.
set -euo pipefail
"$PROXIMA" layers "$PROJECT" | grep -q '^net_edges ' || "$PROXIMA" network "$PROJECT" >/dev/null
"$PROXIMA" flood "$PROJECT" --hazard high -o "$OUT"
