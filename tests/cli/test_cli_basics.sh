# CLI conventions: help, version, exit codes, usage errors, project errors.
source "$(dirname "$0")/lib.sh"

"$PROXIMA" --version | grep -q '^proxima [0-9]' || fail "--version"
"$PROXIMA" --help | grep -q 'Commands:' || fail "--help"
"$PROXIMA" help init | grep -q 'Usage: proxima init' || fail "help init"
expect_fail 2 "unknown command 'frobnicate'" "$PROXIMA" frobnicate
expect_fail 2 "missing --crs" "$PROXIMA" init p.sqlite
expect_fail 1 "not a projected CRS in metres" "$PROXIMA" init p.sqlite --crs EPSG:4326
[ ! -e p.sqlite ] || fail "a refused init left p.sqlite behind"
"$PROXIMA" init p.sqlite --crs EPSG:2154 2>/dev/null || fail "init"
expect_fail 1 "already exists" "$PROXIMA" init p.sqlite --crs EPSG:2154
echo "not a database" > junk.sqlite
expect_fail 1 "junk.sqlite: not a Proxima project" "$PROXIMA" layers junk.sqlite
expect_fail 1 "missing.sqlite" "$PROXIMA" layers missing.sqlite
"$PROXIMA" layers p.sqlite | grep -q 'crs EPSG:2154' || fail "layers shows the CRS"
finish
