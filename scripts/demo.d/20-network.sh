# Build the walk/bike network from the demo roads and cycle routes, print its
# summary (nodes, edges, components, islands) and export it.
set -euo pipefail
"$PROXIMA" network "$PROJECT" | tee "$OUT/network.txt"
"$PROXIMA" export "$PROJECT" net_edges -o "$OUT/net_edges.geojson"
"$PROXIMA" export "$PROJECT" net_nodes -o "$OUT/net_nodes.geojson"
