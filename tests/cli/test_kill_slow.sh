# Crash safety: `load`, `network`, `access` and `tiles` killed (SIGKILL) at
# random moments on the demo region. After each kill the project passes
# SQLite's integrity check and is in its old or its new state (the same
# tables with the same row counts as before the command or as after a clean
# run; the catalogue's counts match the tables); running the command again
# gives the clean run's state, and no temporary file is left behind.
# PX_KILL_TRIALS (default 3) trials per command.
source "$(dirname "$0")/lib.sh"
trials=${PX_KILL_TRIALS:-3}
DEF="$PX_SOURCE_DIR/layers/demo-liechtenstein.yaml"

# State: every catalogued table with its row count, checked against the table.
state() {
  local p=$1 t n
  sqlite3 "$p" "SELECT name, n_rows FROM px_tables ORDER BY name" | while IFS='|' read -r t n; do
    [ "$(sqlite3 "$p" "SELECT count(*) FROM \"$t\"")" = "$n" ] || echo "MISMATCH $t"
    echo "$t $n"
  done
}
tiles_state() { [ -e "$1" ] && sqlite3 "$1" "SELECT count(*) FROM tiles" || echo none; }

run() { # run STEP PROJECT: one step of the chain
  case "$1" in
    load) "$PROXIMA" -q load "$2" "$DEF" ;;
    network) "$PROXIMA" -q network "$2" ;;
    access) "$PROXIMA" -q access "$2" --modes walk,bike ;;
    tiles) "$PROXIMA" -q tiles "$2" communes roads population -o out.mbtiles ;;
  esac >/dev/null 2>&1
}

"$PROXIMA" -q init base.sqlite --crs EPSG:32632
for step in load network access tiles; do
  cp base.sqlite before.sqlite
  start=$(date +%s%N)
  run "$step" base.sqlite || fail "$step: clean run"
  dur=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  state before.sqlite >before.txt
  state base.sqlite >after.txt
  [ "$step" = tiles ] && { after_tiles=$(tiles_state out.mbtiles); rm -f out.mbtiles; }
  for t in $(seq "$trials"); do
    rm -rf trial && mkdir trial && cp before.sqlite trial/p.sqlite
    delay=$(awk -v d="$dur" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", 0.05 + rand() * d * 0.9 }')
    # Its own process group (setsid execs in place: a background subshell is
    # not a group leader), so one kill reaches proxima even if bash forks it
    # at that very moment; then wait until every member is gone, as the
    # project's locks are only released when proxima itself has exited.
    (cd trial && exec setsid bash -c "$(declare -f run); DEF='$DEF' PROXIMA='$PROXIMA'; run $step p.sqlite") &
    pid=$!
    sleep "$delay"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for _ in $(seq 500); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.01; done
    what="$step killed at ${delay}s (trial $t)"
    expect_eq "$what: integrity" "ok" "$(sqlite3 trial/p.sqlite 'PRAGMA integrity_check')"
    state trial/p.sqlite >now.txt
    cmp -s now.txt before.txt || cmp -s now.txt after.txt || fail "$what: neither old nor new state: $(diff now.txt after.txt | head -5)"
    if [ "$step" = tiles ]; then
      ts=$(cd trial && tiles_state out.mbtiles)
      [ "$ts" = none ] || [ "$ts" = "$after_tiles" ] || fail "$what: half an MBTiles at the final path ($ts tiles)"
    fi
    (cd trial && run "$step" p.sqlite) || fail "$what: rerun failed"
    state trial/p.sqlite >now.txt
    cmp -s now.txt after.txt || fail "$what: rerun differs from a clean run: $(diff now.txt after.txt | head -5)"
    [ "$step" = tiles ] && expect_eq "$what: rerun tiles" "$after_tiles" "$(cd trial && tiles_state out.mbtiles)"
    left=$(cd trial && ls -A | grep -vxE 'p.sqlite|out.mbtiles' || true)
    expect_eq "$what: no temporary file left after the rerun" "" "$left"
  done
done
finish
