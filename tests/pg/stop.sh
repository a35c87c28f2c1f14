#!/usr/bin/env bash
# Stop the cluster started by tests/pg/start.sh DIR and remove DIR.
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
[ -d "$dir/data" ] || exit 0
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
"${run[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
rm -rf "$dir"
