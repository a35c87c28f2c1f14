# Two commands on one project: the second waits for the first (busy timeout,
# 5 s) or fails with a clear message, and never leaves the project changed
# half-way; a result whose inputs changed afterwards is marked STALE.
source "$(dirname "$0")/lib.sh"
fx="$PX_SOURCE_DIR/tests/fixtures/cycle"
"$PROXIMA" -q init p.sqlite --crs EPSG:2154
"$PROXIMA" -q load p.sqlite "$fx/two-islands.yaml" >/dev/null
"$PROXIMA" -q network p.sqlite >/dev/null
"$PROXIMA" -q access p.sqlite >/dev/null
"$PROXIMA" layers p.sqlite >layers.txt
expect_eq "fresh results are current" "0" "$(grep -c STALE layers.txt || true)"

# Another writer holds the project (until hold.flag goes): the load and then
# access give up after 5 s each with a clear message, exit 1, and the project
# is byte-identical.
hold() { touch hold.flag; (echo "BEGIN IMMEDIATE;"; while [ -e hold.flag ]; do sleep 0.1; done; echo "COMMIT;") |
  sqlite3 p.sqlite; }
hold & holder=$!
sleep 1
sum=$(sha256sum p.sqlite | cut -d' ' -f1)
expect_fail 1 "the project is busy: another proxima command is writing to it" \
  "$PROXIMA" load p.sqlite "$fx/two-islands.yaml"
expect_fail 1 "the project is busy" "$PROXIMA" access p.sqlite
rm hold.flag
wait "$holder"
expect_eq "project unchanged by the refused commands" "$sum" "$(sha256sum p.sqlite | cut -d' ' -f1)"

# Held for 2 s only: the load waits, then goes through.
hold & holder=$!
sleep 0.5
(sleep 2; rm hold.flag) &
"$PROXIMA" -q load p.sqlite "$fx/two-islands.yaml" >/dev/null || fail "load after a short wait"
wait "$holder"

# The layers were rewritten after access ran: its tables say so (and the
# network's, made from the old roads; access through it too).
# STALE lines, each prefixed with its table's name.
stale() { "$PROXIMA" layers p.sqlite | awk '/^[a-z]/ {t = $1} /STALE/ {sub(/^ +/, ""); print t ": " $0}'; }
stale >stale.txt
grep -qx "access_communes: STALE: communes changed since; run the command that makes it again" stale.txt ||
  fail "access_communes not stale: $(cat stale.txt)"
grep -qx "net_edges: STALE: roads changed since; run the command that makes it again" stale.txt ||
  fail "net_edges not stale: $(cat stale.txt)"
expect_eq "layers themselves current" "0" "$(grep -cE '^(communes|roads|services|population):' stale.txt || true)"
# Made again in order: nothing stale.
"$PROXIMA" -q network p.sqlite >/dev/null
"$PROXIMA" -q access p.sqlite >/dev/null
expect_eq "rebuilt: nothing stale" "" "$(stale)"

# Two analyses at once on one project: both end well (one waits for the
# other) or one fails clearly; the integrity check passes either way.
"$PROXIMA" -q access p.sqlite >a1.txt 2>a1.err & a1=$!
"$PROXIMA" -q equity p.sqlite >a2.txt 2>a2.err & a2=$!
rc1=0; rc2=0; wait "$a1" || rc1=$?; wait "$a2" || rc2=$?
for i in 1 2; do
  rc=$([ $i = 1 ] && echo $rc1 || echo $rc2)
  [ "$rc" = 0 ] || grep -q "the project is busy" a$i.err || fail "concurrent run $i: exit $rc: $(cat a$i.err)"
done
expect_eq "integrity" "ok" "$(sqlite3 p.sqlite 'PRAGMA integrity_check')"
finish
