# Runs every case of tests/badinput/catalogue.tsv (see its README): expected
# exit code, expected stderr fragment, project byte-identical, optional check.
source "$(dirname "$0")/lib.sh"
export FX="$PX_SOURCE_DIR/tests/fixtures" IO="$PX_SOURCE_DIR/tests/fixtures/io/defs" PROXIMA

# The base project: small, loaded, networked, with results.
"$PROXIMA" -q init base.sqlite --crs EPSG:2154
"$PROXIMA" -q load base.sqlite "$FX/cycle/two-islands.yaml" >/dev/null
"$PROXIMA" -q network base.sqlite >/dev/null
"$PROXIMA" -q access base.sqlite >/dev/null

n=0
while IFS=$'\t' read -r name code msg cmd check; do
  case "$name" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  T="$PX_TEST_TMP/case-$name"
  mkdir -p "$T"
  cp base.sqlite "$T/p.sqlite"
  before=$(sha256sum "$T/p.sqlite" | cut -d' ' -f1)
  rc=0
  (cd "$T" && P="$T/p.sqlite" T="$T" bash -c "$cmd") >"$T/stdout.txt" 2>"$T/stderr.txt" || rc=$?
  [ "$rc" = "$code" ] || fail "$name: exit $rc, expected $code (stderr: $(head -c 300 "$T/stderr.txt"))"
  grep -qF -- "$msg" "$T/stderr.txt" || fail "$name: stderr lacks '$msg': $(head -c 300 "$T/stderr.txt")"
  expect_eq "$name: project bytes" "$before" "$(sha256sum "$T/p.sqlite" | cut -d' ' -f1)"
  if [ -n "${check:-}" ]; then
    (cd "$T" && P="$T/p.sqlite" T="$T" bash -c "$check") || fail "$name: check failed: $check"
  fi
done <"$PX_SOURCE_DIR/tests/badinput/catalogue.tsv"
[ "$n" -gt 20 ] || fail "catalogue: only $n cases read"
echo "catalogue: $n cases"
finish
