# Map tiles of the demo project into out/demo/tiles/: one MBTiles of vector
# tiles (MVT, z0-14) with every layer and result table the project holds, and
# for each shipped style whose tables exist, PNG tiles z10-13 in an XYZ folder
# with tiles.json (styles whose analysis did not run are skipped, and said so).
set -euo pipefail
TILES="$OUT/tiles"
mkdir -p "$TILES"
"$PROXIMA" tiles "$PROJECT" -o "$TILES/proxima.mbtiles"
tables=$("$PROXIMA" layers "$PROJECT" | awk 'NR > 2 && $1 !~ /^(filter|note):/ {print $1}')
for style in styles/*.json; do
  name=$(basename "$style" .json)
  need=$(python3 -c 'import json, sys
print(" ".join(sorted({l["source-layer"] for l in json.load(open(sys.argv[1]))["layers"] if "source-layer" in l})))' "$style")
  missing=""
  for t in $need; do grep -qx "$t" <<<"$tables" || missing="$missing $t"; done
  if [ -n "$missing" ]; then
    echo "tiles: $name: skipped, the project has no$missing" >&2
    continue
  fi
  "$PROXIMA" tiles "$PROJECT" --style "$style" -o "$TILES/$name" --minzoom 10 --maxzoom 13
done
