# Create the project in UTM 32N (EPSG:32632, metric, covers Liechtenstein),
# load the demo layer definition and export every layer as GeoJSON.
set -euo pipefail
rm -f "$PROJECT"
"$PROXIMA" init "$PROJECT" --crs EPSG:32632
"$PROXIMA" load "$PROJECT" layers/demo-liechtenstein.yaml
"$PROXIMA" layers "$PROJECT"
for layer in communes roads cycle_routes services population brownfields flood_zones water; do
  "$PROXIMA" export "$PROJECT" "$layer" -o "$OUT/$layer.geojson"
done
