# The real French inputs under layers/examples/ load into Lambert-93 projects:
# 891 Pas-de-Calais communes with accented names intact, and the 31 flood
# zones of PPRN 38DDT20180003 with their levels. Expected figures come from
# ogrinfo on the sources: COUNT(*) of the GeoJSON = 891; on the Shapefile,
# nomrisque LIKE 'Inondation%' GROUP BY nivalea -> F 25, Fai 6 (no M).
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
L="$PX_SOURCE_DIR/layers"
sql() { sqlq "$@"; }
PDC=$(proj pdc) ISERE=$(proj isere)

"$PROXIMA" init "$PDC" --crs EPSG:2154 2>/dev/null
"$PROXIMA" load "$PDC" "$L/examples/communes-pas-de-calais.yaml" >report.txt || fail "load Pas-de-Calais"
expect_eq "communes loaded" 891 "$(awk '$1 == "communes" {print $3}' report.txt)"
expect_eq "communes rejected" 0 "$(awk '$1 == "communes" {print $5}' report.txt)"
expect_eq "Béthune by INSEE code, accents intact" "Béthune" "$(sql "$PDC" "SELECT name FROM communes WHERE id = '62119'")"
expect_eq "names with an accent" "$(sql "$L/data/communes-62-pas-de-calais.geojson" "SELECT COUNT(*) FROM \"communes-62-pas-de-calais\" WHERE nom GLOB '*[éèêëàâîïôûüçÉÈ]*'")" \
  "$(sql "$PDC" "SELECT COUNT(*) FROM communes WHERE name GLOB '*[éèêëàâîïôûüçÉÈ]*'")"
# Arras in Lambert-93: area against ogr2ogr's reprojection of the same polygon.
ogr2ogr -q -f GPKG arras.gpkg "$L/data/communes-62-pas-de-calais.geojson" -where "code = '62041'" -t_srs EPSG:2154 -nln arras
expect_near "Arras area vs ogr2ogr" "$(sql arras.gpkg 'SELECT ST_Area(geom) FROM arras')" \
  "$(sql "$PDC" "SELECT ST_Area(geom) FROM communes WHERE id = '62041'")" 0.005
"$PROXIMA" layers "$PDC" | grep -q "communes .*MULTIPOLYGON *891 " || fail "layers lists 891 communes"

"$PROXIMA" init "$ISERE" --crs EPSG:2154 2>/dev/null
"$PROXIMA" load "$ISERE" "$L/examples/flood-pprn-isere.yaml" >report.txt || fail "load PPRN"
expect_eq "flood zones loaded" 31 "$(awk '$1 == "flood_zones" {print $3}' report.txt)"
expect_eq "levels" "high:25 low:6" \
  "$(ogrinfo -ro -q "$ISERE" -dialect sqlite -sql 'SELECT hazard || ":" || COUNT(*) FROM flood_zones GROUP BY hazard ORDER BY hazard' | awk -F' = ' '/ = / {printf "%s%s", s, $2; s=" "}')"
expect_eq "only flood kinds" 0 "$(sql "$ISERE" "SELECT COUNT(*) FROM flood_zones WHERE kind NOT LIKE 'Inondation%'")"
# The original level stays in props next to its translation.
expect_eq "nivalea kept in props" 25 "$(sql "$ISERE" "SELECT COUNT(*) FROM flood_zones WHERE json_extract(props, '\$.nivalea') = 'F'")"
finish
