# Shared by the CLI tests. Each test script sources this file; ctest sets
# PROXIMA (the binary), PX_SOURCE_DIR (the source tree) and PX_TEST_TMP (a
# scratch folder for this test, emptied here).
set -euo pipefail
: "${PROXIMA:?}" "${PX_SOURCE_DIR:?}" "${PX_TEST_TMP:?}"
rm -rf "$PX_TEST_TMP"
mkdir -p "$PX_TEST_TMP"
cd "$PX_TEST_TMP"
PX_FAILS=0

fail() { echo "FAIL: $*" >&2; PX_FAILS=$((PX_FAILS + 1)); }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }

# expect_near WHAT EXPECTED ACTUAL REL_TOLERANCE
expect_near() {
  awk -v e="$2" -v a="$3" -v t="$4" 'BEGIN { d = e - a; if (d < 0) d = -d; s = e < 0 ? -e : e;
    exit !(d <= t * s) }' || fail "$1: expected $2 (±$4 relative), got $3"
}

# expect_fail CODE STDERR_SUBSTRING CMD...: the command exits CODE and its
# stderr contains the substring.
expect_fail() {
  local code=$1 want=$2; shift 2
  local rc=0
  "$@" >"$PX_TEST_TMP/out.txt" 2>"$PX_TEST_TMP/err.txt" || rc=$?
  [ "$rc" = "$code" ] || fail "$*: exit $rc, expected $code (stderr: $(head -c 300 "$PX_TEST_TMP/err.txt"))"
  grep -qF -- "$want" "$PX_TEST_TMP/err.txt" || fail "$*: stderr lacks '$want': $(head -c 300 "$PX_TEST_TMP/err.txt")"
}

# Feature count of a vector file, as GDAL sees it.
ogr_count() { ogrinfo -ro -so -al "$1" 2>/dev/null | awk -F': ' '/^Feature Count/ {s += $2} END {print s + 0}'; }

# The store the test's projects live in: a script marked "# stores: sqlite pg"
# runs twice (tests/CMakeLists.txt), the second time with PX_TEST_STORE=pg and
# its projects as schemas of a throwaway PostGIS cluster started here.
# `proj NAME` is the project string: NAME.sqlite, or "PG:... schemas=NAME".
if [ "${PX_TEST_STORE:-sqlite}" = pg ]; then
  PX_PG_DIR=$(mktemp -u /tmp/px-pg.XXXXXX)
  trap '"$PX_SOURCE_DIR/tests/pg/stop.sh" "$PX_PG_DIR"' EXIT
  PX_PG_CI=$("$PX_SOURCE_DIR/tests/pg/start.sh" "$PX_PG_DIR")
fi
proj() { if [ "${PX_TEST_STORE:-sqlite}" = pg ]; then echo "PG:$PX_PG_CI schemas=$1"; else echo "$1.sqlite"; fi; }
# sqlq PROJECT SQL: the values of a query over the project's layers, one per
# line, through GDAL (SQLite dialect), so it reads either store.
sqlq() { ogrinfo -ro -q "$1" -dialect sqlite -sql "$2" | awk -F' = ' '/ = / {print $2}'; }
# store_hash PROJECT: a hash of the project's whole content, to prove that a
# refused command changed nothing: the file's bytes, or the schema's pg_dump
# (without pg_dump's random \restrict key and its comments). A table's FID is
# `rowid` in sqlq's SQL on either store.
store_hash() {
  case $1 in
    PG:*) local s=${1##*schemas=}
      /usr/lib/postgresql/15/bin/pg_dump "$PX_PG_CI" -n "${s%% *}" | grep -Ev '^(--|\\(un)?restrict )' | sha256sum ;;
    *) sha256sum <"$1" ;;
  esac
}

finish() {
  if [ "$PX_FAILS" -gt 0 ]; then echo "$PX_FAILS check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
