# Quarter-hour accessibility on the demo region (walk and bike, 15 minutes,
# 3rd-nearest too), the per-commune shares as a table, and walk and bike
# isochrones (5, 10, 15 min) from each commune's centre (population-weighted).
set -euo pipefail
"$PROXIMA" access "$PROJECT" --modes walk,bike --minutes 15 --nth 3 | tee "$OUT/access.txt"
"$PROXIMA" export "$PROJECT" access_origins -o "$OUT/access_origins.geojson"
"$PROXIMA" export "$PROJECT" access_communes -o "$OUT/access_communes.geojson"
# Shares of residents with every category within 15 minutes, per commune.
sqlite3 -header -column "$PROJECT" \
  "SELECT commune_id, commune_name, round(population) AS residents,
          round(100 * walk_all_share, 1) AS walk_all_pct, round(100 * bike_all_share, 1) AS bike_all_pct,
          walk_food_median_min AS walk_food_median, bike_health_median_min AS bike_health_median
   FROM access_communes ORDER BY commune_id" | tee "$OUT/access_communes.txt"
"$PROXIMA" isochrone "$PROJECT" --commune-centres --mode walk --minutes 5,10,15 \
  --table isochrones_walk -o "$OUT/isochrones_walk.geojson"
"$PROXIMA" isochrone "$PROJECT" --commune-centres --mode bike --minutes 5,10,15 \
  --table isochrones_bike -o "$OUT/isochrones_bike.geojson"
