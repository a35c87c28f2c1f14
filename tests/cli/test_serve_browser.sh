# The web viewer in a real browser (Debian's chromium driven by npm's
# playwright-core, headless, software WebGL; tests/browser/viewer_check.mjs):
# first against `proxima serve`, then against the static site of the same
# project (`proxima site`) served by a plain static server (python3
# http.server). Both must pass the same checks. Screenshots are kept in
# $PX_TEST_TMP/shots-served and shots-static (under the build folder).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/serve_lib.sh"
command -v node >/dev/null || { fail "node is missing (scripts/setup installs it)"; finish; }
[ -x /usr/bin/chromium ] || { fail "/usr/bin/chromium is missing (scripts/setup installs it)"; finish; }
[ -d "$PX_SOURCE_DIR/node_modules/playwright-core" ] || { fail "playwright-core is missing (scripts/setup runs npm ci)"; finish; }
CHECK="$PX_SOURCE_DIR/tests/browser/viewer_check.mjs"

build_project p.sqlite
# Service planning results, for the what-if, sites and shared layers: two
# sites chosen, then opened in the what-if; the commune gaining most on foot
# is the one whose popup is checked.
"$PROXIMA" -q site-services p.sqlite --category health --new 2 --candidates grid:500 > /dev/null
adds=$(sqlite3 p.sqlite "SELECT '--add ' || printf('%.9f', x) || ',' || printf('%.9f', y) FROM services_sites ORDER BY rank" | tr '\n' ' ')
# shellcheck disable=SC2086
"$PROXIMA" -q services p.sqlite --category health --project-xy $adds > /dev/null
"$PROXIMA" -q shared-services p.sqlite --communes c0,c1 --candidates grid:500 --mode bike > /dev/null
top="WHERE mode = 'walk' AND commune_id != '*' ORDER BY residents_gaining DESC, commune_id LIMIT 1"
WC=$(sqlite3 p.sqlite "SELECT commune_name FROM services_whatif_communes $top")
WG=$(sqlite3 p.sqlite "SELECT residents_gaining FROM services_whatif_communes $top")
awk -v g="$WG" 'BEGIN { exit !(g > 0) }' || fail "the what-if gains nobody: the popup check would prove nothing"
start_server p.sqlite serve.log
node "$CHECK" "$URL/" shots-served "Commune 5" "$WC" "$WG" >served.txt 2>&1 || fail "served viewer: $(grep FAIL served.txt | head -5)"
cat served.txt
for f in 1-loaded 2-toggled 3-popup 4-row-zoom; do [ -s "shots-served/$f.png" ] || fail "no screenshot $f"; done
# Every request the browser made was answered without a server error.
if grep -E '^[A-Z]+ [^ ]+ 5[0-9][0-9] ' serve.log; then fail "server errors during the browser run"; fi

"$PROXIMA" site p.sqlite -o site >site.txt || fail "proxima site"
[ -s site/index.html ] && [ -s site/viewer/catalog.json ] && [ -s site/styles/base.json ] || fail "site incomplete"
grep -q '"tiles":\["tiles/communes/{z}/{x}/{y}.pbf"\]' site/styles/base.json || fail "site style URLs are not relative"
SPORT=$(free_port)
python3 -m http.server -b 127.0.0.1 -d site "$SPORT" >static.log 2>&1 &
PX_BG_PIDS+=($!)
wait_http "http://127.0.0.1:$SPORT/" || fail "static server did not start"
node "$CHECK" "http://127.0.0.1:$SPORT/" shots-static "Commune 5" "$WC" "$WG" >static.txt 2>&1 || fail "static viewer: $(grep FAIL static.txt | head -5)"
cat static.txt
if grep -E '" (404|5[0-9][0-9]) ' static.log; then fail "the static site missed files"; fi
finish
