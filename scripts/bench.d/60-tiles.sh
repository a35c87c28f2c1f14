# Tiles: Proxima's MVT writer against GDAL's (`ogr2ogr -f MVT`) on the same
# layers, zooms 0-14, the same simplification (4 tile units), buffer (64),
# extent (4096), attributes (every column) and no feature ids (GDAL writes
# none): median wall and CPU time of 3 runs (1 run of ogr2ogr on the synthetic
# region, where it needs minutes) and the size of the tiles. On the demo region
# and on the 100k-node synthetic region. Then raster tiles per second at z14
# (base style, demo region).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
W="$BENCH_WORK/tiles"
mkdir -p "$W"
N=${BENCH_RUNS:-3}

# median_cpu N CMD...: median of user+sys seconds (the machine is shared:
# CPU time is steadier than wall time under load).
median_cpu() {
  local n=$1; shift
  local tf; tf=$(mktemp)
  for _ in $(seq "$n"); do /usr/bin/time -f "%e %U %S" -a -o "$tf" "$@" >/dev/null 2>&1; done
  awk '{print $1, $2 + $3}' "$tf" | sort -n -k2 | awk '{w[NR]=$1; c[NR]=$2} END {i=int((NR+1)/2); print w[i], c[i]}'
  rm -f "$tf"
}

tile_bytes() { sqlite3 "$1" "SELECT sum(length(tile_data)) || ' ' || count(*) FROM tiles"; }

bench_project() {
  local label=$1 project=$2 peer_runs=$3; shift 3
  local layers=("$@") args=()
  for t in "${layers[@]}"; do
    args+=("$t:$(sqlite3 "$project" "SELECT group_concat(name, ',') FROM pragma_table_info('$t') WHERE name NOT IN ('fid', 'geom')")")
  done
  local px="$W/$label-px.mbtiles" og="$W/$label-ogr.mbtiles"
  read -r px_wall px_cpu < <(median_cpu "$N" "$PROXIMA" -q tiles "$project" "${args[@]}" -o "$px" --no-ids \
    --minzoom 0 --maxzoom 14 --simplify 4 --buffer 64)
  read -r og_wall og_cpu < <(median_cpu "$peer_runs" sh -c "rm -f '$og'; ogr2ogr -f MVT '$og' '$project' ${layers[*]} \
    -dsco FORMAT=MBTILES -dsco MINZOOM=0 -dsco MAXZOOM=14 -dsco SIMPLIFICATION=4 -dsco BUFFER=64 -dsco EXTENT=4096")
  read -r px_bytes px_tiles < <(tile_bytes "$px")
  read -r og_bytes og_tiles < <(tile_bytes "$og")
  printf '%s: proxima %ss wall %ss cpu, %s tiles %s bytes | ogr2ogr %ss wall %ss cpu, %s tiles %s bytes\n' \
    "$label" "$px_wall" "$px_cpu" "$px_tiles" "$px_bytes" "$og_wall" "$og_cpu" "$og_tiles" "$og_bytes"
  awk -v a="$og_wall" -v b="$px_wall" -v c="$og_cpu" -v d="$px_cpu" -v e="$px_bytes" -v f="$og_bytes" -v l="$label" \
    'BEGIN {printf "%s: speed-up %.1fx wall, %.1fx cpu; size ratio proxima/ogr2ogr %.3f\n", l, a / b, c / d, e / f}'
}

# Demo region (Liechtenstein), loaded as scripts/demo does.
DEMO="$W/demo.sqlite"
if [ ! -f "$DEMO" ]; then
  "$PROXIMA" -q init "$DEMO" --crs EPSG:32632
  "$PROXIMA" -q load "$DEMO" layers/demo-liechtenstein.yaml >/dev/null
fi
bench_project demo "$DEMO" "$N" communes roads cycle_routes services population brownfields flood_zones

# The 100k-node synthetic region of the net module.
SYN="$W/synth100k.sqlite"
[ -f "$SYN" ] || "$PROXIMA" -q synth "$SYN" --nodes 100000 --seed 1
bench_project synth100k "$SYN" 1 communes roads services population

# Raster: PNG tiles per second at z14 over the demo region, base style.
start=$(date +%s.%N)
"$PROXIMA" -q tiles "$DEMO" --style styles/base.json -o "$W/raster-z14" --minzoom 14 --maxzoom 14
end=$(date +%s.%N)
n=$(find "$W/raster-z14/14" -name '*.png' | wc -l)
awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN {printf "raster z14: %d tiles in %.2f s: %.0f tiles/s (256 px, 2 threads, incl. loading)\n", n, e - s, n / (e - s)}'
