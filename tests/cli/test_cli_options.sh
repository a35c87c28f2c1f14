# The CLI's one option table (src/cli/opts.h), checked from the outside:
# - every command's help lists exactly the options its parser accepts: each
#   listed option parses with a valid value, every option of the other
#   commands that is not listed is refused as unknown;
# - every example in every help, and every `proxima` line of the README, parses;
# - an option name means the same kind and range in every command, and the
#   shared options have their one default;
# - usage errors exit 2 naming the option and the valid values or range
#   (--modes bik, NaN, inf, 1e308, typos with their close matches).
# Nothing here opens a project: `proxima --check-args` parses and runs nothing.
source "$(dirname "$0")/lib.sh"
set -f # README lines are split into words, never globbed

# Fields may be empty: read them with a non-blank separator.
"$PROXIMA" --list-options | tr '\t' '|' > opts.tsv || fail "--list-options"
# Every command of `proxima --help` that has an option table (a command still
# written the old way says so under --check-args and is only noted here).
cmds=""
for c in $("$PROXIMA" --help | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }'); do
  if "$PROXIMA" --check-args "$c" 2>&1 | grep -q "has no option table"; then
    echo "note: $c has no option table yet" >&2
  else
    cmds="$cmds $c"
  fi
done
[ "$(echo $cmds | wc -w)" -ge 15 ] || fail "only $(echo $cmds | wc -w) commands have an option table: $cmds"
# Names a command must refuse unless its help lists them: the old names and the
# commonly confused ones.
printf '%s\n' --output --modes --mode --snap-distance --cutoff | sort -u > shared-names.txt

# A valid value for an option of kind $1 (min $2, max $3, choices $4, default $5).
valid_value() {
  case $1 in
    int) echo "${2%.*}" ;;
    number) awk -v a="$2" -v b="$3" 'BEGIN { printf "%.17g\n", (a + b) / 2 }' ;;
    numbers) awk -v a="$2" -v b="$3" 'BEGIN { printf "%.17g,%.17g\n", a + (b - a) / 4, a + (b - a) / 2 }' ;;
    list|text) if [ -n "$4" ]; then echo "${4%%,*}"; elif [ -n "$5" ]; then echo "$5"; else echo abc; fi ;;
    path) echo some/file ;;
    lonlat) echo 9.5209,47.1410 ;;
    xy) echo 539497,5220965 ;;
    kofn) echo 2/3 ;;
  esac
}

for c in $cmds; do
  "$PROXIMA" help "$c" > help.txt || fail "help $c"
  "$PROXIMA" "$c" --help | cmp -s - help.txt || fail "$c --help differs from help $c"
  # Positional words the usage line requires (not in brackets).
  pos=$(awk -v c="$c" 'NR == 1 { for (i = 4; i <= NF; i++) if ($i !~ /^\[/) printf "w%d ", i }' help.txt)
  # The options listed in the help's Options section.
  awk '/^Options:/ { f = 1; next } /^$/ { f = 0 } f && /^ +-/ { for (i = 1; i <= NF; i++) if ($i ~ /^--/) { print $i; break } }' \
    help.txt | sort -u > listed.txt
  awk -F'|' -v c="$c" '$1 == c { print $2 }' opts.tsv | sort -u > table.txt
  cmp -s listed.txt table.txt || fail "$c: help lists $(tr '\n' ' ' < listed.txt), the table has $(tr '\n' ' ' < table.txt)"
  # Every listed option parses with a valid value, all in one command line
  # (a refused one is named in the message), and so does each short form.
  args=() shorts=()
  while IFS='|' read -r cmd name short kind min max flags choices def; do
    [ "$cmd" = "$c" ] || continue
    if [ "$kind" = flag ]; then args+=("$name"); continue; fi
    v=$(valid_value "$kind" "$min" "$max" "$choices" "$def")
    args+=("$name" "$v")
    [ -z "$short" ] || shorts+=("$short" "$v")
  done < opts.tsv
  # shellcheck disable=SC2086
  "$PROXIMA" --check-args "$c" $pos "${args[@]}" 2>err.txt ||
    fail "$c: a listed option is refused in '${args[*]}': $(head -c 200 err.txt)"
  if [ "${#shorts[@]}" -gt 0 ]; then
    # shellcheck disable=SC2086
    "$PROXIMA" --check-args "$c" $pos "${args[@]}" "${shorts[@]}" 2>err.txt ||
      fail "$c: short options '${shorts[*]}' refused: $(head -c 200 err.txt)"
  fi
  # ...and an old name, or a shared name the help does not list, is unknown here.
  comm -23 shared-names.txt table.txt | while read -r other; do
    rc=0
    # shellcheck disable=SC2086
    "$PROXIMA" --check-args "$c" $pos "${args[@]}" "$other" 1 2>err.txt >/dev/null || rc=$?
    [ "$rc" = 2 ] && grep -qF "unknown option '$other'" err.txt || fail "$c accepts $other, which its help does not list"
  done
  # Every example of the help parses.
  awk '/^Examples?:/ { f = 1; next } f && /^  proxima / { sub(/^  proxima /, ""); print }' help.txt > examples.txt
  [ -s examples.txt ] || fail "$c: help has no example"
  while read -r line; do
    # shellcheck disable=SC2086
    "$PROXIMA" --check-args $line 2>err.txt || fail "$c: help example 'proxima $line' does not parse: $(head -c 200 err.txt)"
  done < examples.txt
done

# Every `proxima` command line in the README's shell blocks parses (continuation
# lines joined, comments, pipes and redirections cut).
awk '/^```sh/ { f = 1; next } /^```/ { f = 0 } f' "$PX_SOURCE_DIR/README.md" |
  awk '{ if (sub(/\\$/, "")) { buf = buf $0; next } print buf $0; buf = "" }' |
  grep '^proxima ' | sed -e 's/ #.*//' -e 's/[|>].*//' > readme.txt
[ "$(wc -l < readme.txt)" -ge 20 ] || fail "README: only $(wc -l < readme.txt) proxima lines found"
n_checked=0
while read -r line; do
  set -- $line
  c=$2
  if ! grep -qw -- "$c" <<<"$cmds"; then echo "note: README line for '$c' not checked (no option table)" >&2; continue; fi
  # shellcheck disable=SC2086
  "$PROXIMA" --check-args ${line#proxima } 2>err.txt || fail "README: '$line' does not parse: $(head -c 200 err.txt)"
  n_checked=$((n_checked + 1))
done < readme.txt
[ "$n_checked" -ge 20 ] || fail "README: only $n_checked lines checked"

# The demo scripts' proxima lines parse too (their variables are paths: any word will do):
# scripts/demo (the scenario runs) and any step left in scripts/demo.d.
{ cat "$PX_SOURCE_DIR/scripts/demo"; find "$PX_SOURCE_DIR/scripts" -path '*/demo.d/*.sh' -exec cat {} +; } | awk '{ if (sub(/\\$/, "")) { buf = buf $0; next } print buf $0; buf = "" }' |
  grep '"$PROXIMA" ' | grep -v '\${' | sed -e 's/^.*"\$PROXIMA" //' -e 's/ #.*//' -e 's/[|>].*//' -e 's/)$//' \
  -e 's/"[^"]*"/x/g' -e 's/\$[A-Za-z_]*/x/g' > demo-lines.txt
[ "$(wc -l < demo-lines.txt)" -ge 5 ] || fail "demo scripts: only $(wc -l < demo-lines.txt) proxima lines found"
while read -r line; do
  # shellcheck disable=SC2086
  "$PROXIMA" --check-args $line 2>err.txt || fail "scripts/demo.d: 'proxima $line' does not parse: $(head -c 200 err.txt)"
done < demo-lines.txt

# One name, one meaning: kind (number and number list alike), range and choices
# agree wherever a name appears; the shared options have their one default.
awk -F'|' '{ k = $4; if (k == "numbers") k = "number"; f = $7; sub(/required,/, "", f); sub(/repeat,/, "", f)
  sig = k "|" $5 "|" $6 "|" f "|" $8
  if (($2 in seen) && seen[$2] != sig) printf "%s: %s in %s, %s in %s\n", $2, seen[$2], first[$2], sig, $1
  if (!($2 in seen)) { seen[$2] = sig; first[$2] = $1 } }' opts.tsv > clash.txt
[ ! -s clash.txt ] || fail "same name, different meaning: $(cat clash.txt)"
for want in "--snap-m	300" "--threads	2" "--modes	walk,bike" "--mode	walk"; do
  name=${want%%	*} def=${want#*	}
  bad=$(awk -F'|' -v n="$name" -v d="$def" '$2 == n && $9 != d { print $1 }' opts.tsv | tr '\n' ' ')
  [ -z "$bad" ] || fail "$name default is not $def in: $bad"
done
# --snap-m in every command that snaps.
for c in access isochrone equity flood cycle brownfields route snap; do
  grep -q "^$c|--snap-m|" opts.tsv || fail "$c has no --snap-m"
done
grep -q -- "--snap-distance\|--snap-max\|--cutoff" opts.tsv && fail "an old option name is still in the table"

# Usage errors: exit 2, the option named, the valid values or range given.
for c in access equity flood; do
  expect_fail 2 "--modes: unknown value 'bik' (valid: walk, bike)" "$PROXIMA" "$c" p.sqlite --modes bik
  expect_fail 2 "--modes: unknown value 'car' (valid: walk, bike)" "$PROXIMA" "$c" p.sqlite --modes walk,car
done
expect_fail 2 "--mode: unknown value 'both' (valid: walk, bike)" "$PROXIMA" route p.sqlite --mode both
expect_fail 2 "--modes 'walk,': empty item" "$PROXIMA" access p.sqlite --modes walk,
for v in nan inf -inf 1e308 0 -5 0x10 12abc; do
  expect_fail 2 "--snap-m $v: want a number in (0, 10000]" "$PROXIMA" access p.sqlite --snap-m "$v"
done
expect_fail 2 "--snap-tolerance 1e308: want a number in [0, 50]" "$PROXIMA" network p.sqlite --snap-tolerance 1e308
expect_fail 2 "--snap-tolerance nan: want a number in [0, 50]" "$PROXIMA" network p.sqlite --snap-tolerance nan
expect_fail 2 "--walk-kmh inf: want a number in (0, 30]" "$PROXIMA" network p.sqlite --walk-kmh inf
expect_fail 2 "--buffer-m 1e9: want a number in (0, 1000]" "$PROXIMA" isochrone p.sqlite --xy 1,2 --buffer-m 1e9
expect_fail 2 "--coverage-m 1e9: want a number in (0, 10000]" "$PROXIMA" cycle p.sqlite --coverage-m 1e9
expect_fail 2 "--gap-m 20000: want a number in (0, 10000]" "$PROXIMA" cycle p.sqlite --gap-m 20000
expect_fail 2 "--threads 65: want a whole number from 1 to 64" "$PROXIMA" equity p.sqlite --threads 65
expect_fail 2 "--threads 1.5: want a whole number from 1 to 64" "$PROXIMA" access p.sqlite --threads 1.5
expect_fail 2 "--minutes 601: want a number in (0, 600]" "$PROXIMA" flood p.sqlite --minutes 601
expect_fail 2 "--minutes 10,5: want ascending numbers, each in (0, 600]" "$PROXIMA" isochrone p.sqlite --xy 1,2 --minutes 10,5
expect_fail 2 "--lonlat 200,47: want LON,LAT in degrees WGS84" "$PROXIMA" isochrone p.sqlite --lonlat 200,47
expect_fail 2 "--from-lonlat nan,47: want LON,LAT" "$PROXIMA" route p.sqlite --from-lonlat nan,47 --to-lonlat 9,47
expect_fail 2 "--weight school=inf: want CATEGORY=WEIGHT" "$PROXIMA" cycle p.sqlite --weight school=inf
expect_fail 2 "--bands 5:1,10:nan: want up to 16 MAX_MIN:WEIGHT pairs" "$PROXIMA" equity p.sqlite --bands 5:1,10:nan
expect_fail 2 "--minutes needs a value (MIN: in (0, 600])" "$PROXIMA" access p.sqlite --minutes
expect_fail 2 "--no-ids takes no value" "$PROXIMA" tiles p.sqlite -o t.mbtiles --no-ids=1
expect_fail 2 "missing PROJECT" "$PROXIMA" access
expect_fail 2 "unexpected argument 'extra'" "$PROXIMA" access p.sqlite extra
expect_fail 2 "give --from-lonlat LON,LAT or --from X,Y" "$PROXIMA" route p.sqlite --to 1,2
expect_fail 2 "give --to-lonlat or --to, not both" "$PROXIMA" route p.sqlite --from 1,2 --to 1,2 --to-lonlat 9,47
# Unknown options and typos: the close matches are listed.
expect_fail 2 "unknown option '--snap-distance' (close matches: --snap-m)" "$PROXIMA" access p.sqlite --snap-distance 300
expect_fail 2 "unknown option '--snap-max' (close matches: --snap-m)" "$PROXIMA" equity p.sqlite --snap-max=300
expect_fail 2 "unknown option '--mode' (close matches: --modes)" "$PROXIMA" equity p.sqlite --mode walk
expect_fail 2 "unknown option '--cutoff' (close matches: --max-minutes)" "$PROXIMA" access p.sqlite --cutoff 30
expect_fail 2 "unknown option '--categries' (close matches: --categories)" "$PROXIMA" flood p.sqlite --categries health
expect_fail 2 "unknown option '--treads' (close matches: --threads)" "$PROXIMA" cycle p.sqlite --treads 2
grep -q "Try 'proxima help cycle'" err.txt || fail "unknown option: no pointer to the help"
# Nothing was created by any of this.
[ ! -e p.sqlite ] || fail "a refused command created p.sqlite"
finish
