# Shared by the map server tests (sourced after lib.sh): a small project
# built here (synthetic region, network, quarter-hour access), a free
# loopback port, and `proxima serve` started in the background and stopped
# at exit.

# build_project FILE: synth region (14 communes "Commune 0".."Commune 13"),
# its network and quarter-hour accessibility.
build_project() {
  "$PROXIMA" -q synth "$1" --nodes 3000 --seed 1 >/dev/null
  "$PROXIMA" -q network "$1" >/dev/null
  "$PROXIMA" -q access "$1" --minutes 15 >/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL: until it answers (10 s at most).
wait_http() {
  for _ in $(seq 100); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  return 1
}

PX_BG_PIDS=()
stop_bg() { for p in "${PX_BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap stop_bg EXIT

# start_server PROJECT LOG [ARGS...]: sets PORT and URL.
start_server() {
  local project=$1 log=$2; shift 2
  PORT=$(free_port)
  "$PROXIMA" serve "$project" --port "$PORT" "$@" >"$log.out" 2>"$log" &
  PX_BG_PIDS+=($!)
  URL="http://127.0.0.1:$PORT"
  wait_http "$URL/health" || { fail "server did not start: $(cat "$log")"; finish; }
}
