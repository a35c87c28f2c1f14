# Map tiles of the demo project into out/demo/tiles/: vector tiles (MVT, z0-14)
# of the loaded layers (layers.mbtiles) and of every result table with
# geometry (analysis.mbtiles), and
# for each shipped style whose tables exist, PNG tiles z10-13 in an XYZ folder
# with tiles.json (styles whose analysis did not run are skipped, and said so;
# layers marked "proxima:optional", like the base map's water, draw nothing when absent).
set -euo pipefail
TILES="$OUT/tiles"
mkdir -p "$TILES"
listing=$("$PROXIMA" layers "$PROJECT" | awk 'NR > 2 && $1 !~ /:$/ {print $1, $2, $3}')
tables=$(awk '{print $1}' <<<"$listing")
layers=$(awk '$2 == "layer" && $3 != "NONE" {print $1}' <<<"$listing")
results=$(awk '$2 == "result" && $3 != "NONE" {print $1}' <<<"$listing")
# shellcheck disable=SC2086 # one argument per table
"$PROXIMA" tiles "$PROJECT" $layers -o "$TILES/layers.mbtiles"
if [ -n "$results" ]; then
  # shellcheck disable=SC2086
  "$PROXIMA" tiles "$PROJECT" $results -o "$TILES/analysis.mbtiles"
fi
for style in styles/*.json; do
  name=$(basename "$style" .json)
  need=$(python3 -c 'import json, sys
print(" ".join(sorted({l["source-layer"] for l in json.load(open(sys.argv[1]))["layers"]
                       if "source-layer" in l and not l.get("metadata", {}).get("proxima:optional")})))' "$style")
  missing=""
  for t in $need; do grep -qx "$t" <<<"$tables" || missing="$missing $t"; done
  if [ -n "$missing" ]; then
    echo "tiles: $name: skipped, the project has no$missing" >&2
    continue
  fi
  "$PROXIMA" tiles "$PROJECT" --style "$style" -o "$TILES/$name" --minzoom 10 --maxzoom 13
done
