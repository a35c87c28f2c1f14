# Map server load: wrk (100 connections, 2 threads, BENCH_SECONDS each, 60 by
# default) against `proxima serve` on loopback for cached vector tiles (the
# region's z14 roads tiles, cycled through) and for a GeoJSON box query, and
# against nginx serving the same tiles from the static site (`proxima site`,
# files on disk), the peer. Prints requests/s, p50/p99 latency, errors (socket
# errors + non-2xx/3xx) and the server's resident memory before, after one
# run and after a second run (growth = a leak or an unbounded cache).
# proxima serve: --threads 2, -q (no request log); nginx: 2 workers,
# access_log off, sendfile on. Both on the same 2 cores as wrk.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
W="$BENCH_WORK/serve"
mkdir -p "$W"
SECS=${BENCH_SECONDS:-60}
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "serve bench: $tool missing (scripts/setup --bench installs it)" >&2; exit 1; }
done

DEMO="$W/demo.sqlite"
if [ ! -f "$DEMO" ]; then
  "$PROXIMA" -q init "$DEMO" --crs EPSG:32632
  "$PROXIMA" -q load "$DEMO" layers/demo-liechtenstein.yaml >/dev/null
fi
rm -rf "$W/site"
"$PROXIMA" site "$DEMO" -o "$W/site" >/dev/null

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# The z14 tiles of the roads that hold something (every file of the site's
# z14 folder that is not empty): the same list for both servers.
(cd "$W/site" && find tiles/roads/14 -name '*.pbf' -size +0 | sort) >"$W/urls.txt"
n_urls=$(wc -l <"$W/urls.txt")
{
  echo 'local paths = {'
  sed 's|.*|  "/&",|' "$W/urls.txt"
  echo '}'
  echo 'local i = 0'
  echo 'request = function()'
  echo '  i = i % #paths + 1'
  echo '  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})'
  echo 'end'
} >"$W/tiles.lua"

# run_wrk LABEL URL [LUA]: one wrk run; prints "rps p50 p99 errors".
run_wrk() {
  local label=$1 url=$2 lua=${3:-}
  local out="$W/wrk-$label.txt"
  if [ -n "$lua" ]; then
    wrk -t2 -c100 -d"${SECS}s" --latency -s "$lua" "$url" >"$out" 2>&1
  else
    wrk -t2 -c100 -d"${SECS}s" --latency "$url" >"$out" 2>&1
  fi
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    /Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx/ { err += $5 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err }' "$out"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# ---- proxima serve ------------------------------------------------------------
PORT=$(free_port)
"$PROXIMA" -q serve "$DEMO" --port "$PORT" --threads 2 >/dev/null 2>"$W/serve.err" &
SRV=$!
trap 'kill $SRV 2>/dev/null || true; [ -n "${NGX:-}" ] && kill "$NGX" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.1; done
# Warm the cache: every tile once.
while read -r u; do curl -s -o /dev/null "http://127.0.0.1:$PORT/$u"; done <"$W/urls.txt"
rss0=$(rss_kib $SRV)
read -r t_rps t_p50 t_p99 t_err <<<"$(run_wrk serve-tiles "http://127.0.0.1:$PORT" "$W/tiles.lua")"
rss1=$(rss_kib $SRV)
read -r t2_rps _ _ t2_err <<<"$(run_wrk serve-tiles-2 "http://127.0.0.1:$PORT" "$W/tiles.lua")"
rss2=$(rss_kib $SRV)
# Box query: about 1 km around Vaduz, the services there (GeoJSON, not cached).
BBOX="9.515,47.133,9.530,47.145"
n_feat=$(curl -s "http://127.0.0.1:$PORT/features/services?bbox=$BBOX&limit=1000" |
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["features"]))')
read -r b_rps b_p50 b_p99 b_err <<<"$(run_wrk serve-bbox "http://127.0.0.1:$PORT/features/services?bbox=$BBOX&limit=1000")"
rss3=$(rss_kib $SRV)
kill $SRV; wait $SRV 2>/dev/null || true

# ---- nginx on the static site --------------------------------------------------
NPORT=$(free_port)
mkdir -p "$W/nginx"
cat >"$W/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $W/nginx/body;
  proxy_temp_path $W/nginx/proxy;
  fastcgi_temp_path $W/nginx/fastcgi;
  uwsgi_temp_path $W/nginx/uwsgi;
  scgi_temp_path $W/nginx/scgi;
  types { application/vnd.mapbox-vector-tile pbf; }
  server { listen 127.0.0.1:$NPORT; root $W/site; }
}
CONF
chmod -R a+rX "$W/site"
nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' 2>>"$W/nginx/error.log" &
NGX=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$NPORT/$(head -1 "$W/urls.txt")" && break; sleep 0.1; done
read -r n_rps n_p50 n_p99 n_err <<<"$(run_wrk nginx-tiles "http://127.0.0.1:$NPORT" "$W/tiles.lua")"
kill $NGX; wait $NGX 2>/dev/null || true
NGX=

bytes_gz=0; bytes_raw=0
while read -r u; do
  bytes_raw=$((bytes_raw + $(stat -c %s "$W/site/$u")))
done <"$W/urls.txt"
echo "serve bench: ${SECS}s per run, 100 connections, 2 wrk threads; $n_urls z14 roads tiles ($bytes_raw bytes raw); load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %9s %9s %9s %7s\n' "run" "req/s" "p50 ms" "p99 ms" "errors"
printf '%-34s %9s %9s %9s %7s\n' "proxima serve, cached tiles" "$t_rps" "$t_p50" "$t_p99" "$t_err"
printf '%-34s %9s %9s %9s %7s\n' "proxima serve, cached tiles again" "$t2_rps" "-" "-" "$t2_err"
printf '%-34s %9s %9s %9s %7s\n' "nginx, same tiles (files)" "$n_rps" "$n_p50" "$n_p99" "$n_err"
printf '%-34s %9s %9s %9s %7s\n' "proxima serve, bbox query ($n_feat f.)" "$b_rps" "$b_p50" "$b_p99" "$b_err"
awk -v a="$t_rps" -v b="$n_rps" 'BEGIN { printf "proxima / nginx (cached tiles): %.2f\n", a / b }'
echo "proxima serve RSS: warm ${rss0} KiB, after run 1 ${rss1} KiB, after run 2 ${rss2} KiB, after bbox ${rss3} KiB"
