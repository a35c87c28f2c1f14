# Cycle network planning on the demo region: LTS of every edge, low-stress
# islands, coverage, connectivity, the 20 best missing links, and a what-if
# with an example plan of two links (layers/cycle-plan-liechtenstein.geojson).
# Builds the network first if an earlier step has not.
set -euo pipefail
"$PROXIMA" layers "$PROJECT" | grep -q '^net_edges ' || "$PROXIMA" -q network "$PROJECT" > /dev/null
"$PROXIMA" cycle "$PROJECT" --top 20 --add-links layers/cycle-plan-liechtenstein.geojson | tee "$OUT/cycle-summary.txt"
"$PROXIMA" cycle --rules > "$OUT/cycle-lts-rules.txt"
for t in net_edge_lts cycle_islands cycle_missing_links cycle_coverage cycle_connectivity cycle_whatif; do
  "$PROXIMA" export "$PROJECT" "$t" -o "$OUT/$t.geojson"
done
