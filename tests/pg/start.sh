#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 + PostGIS 3 cluster for the tests: data in
# DIR (created, must not exist), loopback only on a free port, socket in DIR.
# Prints the libpq conninfo to use ("host=127.0.0.1 port=N user=... dbname=postgres").
# initdb refuses root: as root, the cluster runs as the 'postgres' user.
#   tests/pg/start.sh DIR      stop with tests/pg/stop.sh DIR
# Exits 77 (the ctest skip code) when PostgreSQL 15 or PostGIS is not installed.
set -euo pipefail
dir=${1:?usage: start.sh DIR}
bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  echo "start.sh: PostgreSQL 15 or PostGIS 3 not installed (scripts/setup installs them)" >&2
  exit 77
fi
mkdir "$dir"
run=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  user=postgres
  chown postgres "$dir"
  run=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${run[@]}" "$bin/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "host=127.0.0.1 port=$port user=$user dbname=postgres" >"$dir/conninfo"
cat "$dir/conninfo"
