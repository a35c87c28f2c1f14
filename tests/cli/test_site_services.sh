# `proxima site-services` on a synthetic region: the coverage gain of the
# chosen sites equals what `proxima services --add` measures for them; on a
# small instance greedy + swap reaches the enumerated optimum (coverage and
# p-median); CELF equals plain greedy; usage errors.
# stores: sqlite pg
source "$(dirname "$0")/lib.sh"
B=$(proj b) S=$(proj s)

"$PROXIMA" -q synth "$B" --nodes 2500 --seed 3
"$PROXIMA" -q network "$B" > /dev/null

"$PROXIMA" site-services "$B" --category health --new 2 --candidates grid:500 --exact-max 1e6 > cov.txt
expect_eq "two sites" "2" "$(sqlq "$B" 'SELECT count(*) FROM services_sites')"
expect_eq "coverage: optimal on this instance" "gap 0.0000" "$(grep '^gap ' cov.txt)"
# The MIP (GLPK) solves the same instance: its optimum is the enumerated one.
expect_eq "coverage: MIP solved" "mip optimal" "$(grep '^mip ' cov.txt)"
expect_eq "coverage: MIP optimum = enumeration" "$(awk '$1 == "exact" {print $2}' cov.txt)" "$(awk '$1 == "mip_value" {print $2}' cov.txt)"
final=$(awk '$1 == "final" {printf "%d", $2}' cov.txt)
[ "$final" -gt 0 ] || fail "no resident gained: the checks below would prove nothing"
expect_eq "cumulative objective of rank 2 = final" "$final" \
  "$(sqlq "$B" 'SELECT CAST(objective AS INTEGER) FROM services_sites WHERE rank = 2')"
expect_eq "gains add up" "$final" "$(sqlq "$B" 'SELECT CAST(sum(gain) AS INTEGER) FROM services_sites')"
adds=$(sqlq "$B" "SELECT '--add ' || printf('%.9f', x) || ',' || printf('%.9f', y) FROM services_sites ORDER BY rank" | tr '\n' ' ')
# shellcheck disable=SC2086
"$PROXIMA" -q services "$B" --category health --modes walk --project-xy $adds > /dev/null
expect_eq "what-if on the chosen sites gains the same residents" "$final" \
  "$(sqlq "$B" "SELECT CAST(residents_gaining AS INTEGER) FROM services_whatif_summary WHERE mode = 'walk'")"

"$PROXIMA" site-services "$B" --category health --new 2 --candidates grid:500 --objective pmedian --exact-max 1e6 > pm.txt
expect_eq "p-median: optimal on this instance" "gap 0.0000" "$(grep '^gap ' pm.txt)"
base=$(awk '$1 == "base" {print $2}' pm.txt)
fin=$(awk '$1 == "final" {print $2}' pm.txt)
awk -v b="$base" -v f="$fin" 'BEGIN { exit !(f < b) }' || fail "p-median: mean minutes $fin not below the baseline $base"

# A 900-node region where greedy + swap misses the optimum (coverage, p-median):
# the MIP finds the enumerated optimum and mip_gap is the heuristic's gap.
"$PROXIMA" -q synth "$S" --nodes 900 --seed 5
"$PROXIMA" -q network "$S" > /dev/null
for obj in coverage pmedian equity; do
  "$PROXIMA" site-services "$S" --category health --new 3 --candidates grid:600 --exact-max 1e6 --objective $obj --mip-seconds 120 > mip_$obj.txt
  expect_eq "$obj: MIP solved" "mip optimal" "$(grep '^mip ' mip_$obj.txt)"
  expect_eq "$obj: MIP optimum = enumeration" "$(awk '$1 == "exact" {print $2}' mip_$obj.txt)" "$(awk '$1 == "mip_value" {print $2}' mip_$obj.txt)"
  expect_eq "$obj: MIP gap = enumeration gap" "$(awk '$1 == "gap" {print $2}' mip_$obj.txt)" "$(awk '$1 == "mip_gap" {print $2}' mip_$obj.txt)"
done
awk '$1 == "mip_gap" {exit !($2 > 0)}' mip_coverage.txt || fail "coverage: greedy + swap optimal here: the gap check would prove nothing"
"$PROXIMA" site-services "$S" --category health --new 3 --candidates grid:600 --mip-max-pairs 100 > skip.txt
expect_eq "beyond --mip-max-pairs: skipped" "mip skipped" "$(grep '^mip' skip.txt)"

"$PROXIMA" site-services "$B" --category health --new 3 --candidates grid:400 --no-swap > lazy.txt
"$PROXIMA" site-services "$B" --category health --new 3 --candidates grid:400 --no-swap --no-lazy > plain.txt
expect_eq "CELF = plain greedy" "$(grep '^final ' plain.txt)" "$(grep '^final ' lazy.txt)"

# Candidates from a layer: ids are its fids.
"$PROXIMA" -q site-services "$B" --category health --new 1 --candidates-from services --objective equity > /dev/null
expect_eq "candidate id is a services fid" "1" \
  "$(sqlq "$B" 'SELECT count(*) FROM services_sites s JOIN services v ON CAST(v.rowid AS TEXT) = s.candidate_id')"

before=$(store_hash "$B")
expect_fail 2 "unknown category 'helth'" "$PROXIMA" site-services "$B" --category helth --new 1 --candidates grid:500
expect_fail 2 "--objective: unknown value 'median'" "$PROXIMA" site-services "$B" --category health --new 1 --candidates grid:500 --objective median
expect_fail 2 "give --candidates LAYER|grid:M or --candidates-from LAYER" "$PROXIMA" site-services "$B" --category health --new 1
expect_fail 2 "want grid:M with M in [10, 100000]" "$PROXIMA" site-services "$B" --category health --new 1 --candidates grid:0
expect_fail 1 "nope" "$PROXIMA" site-services "$B" --category health --new 1 --candidates nope
expect_eq "store unchanged by failures" "$before" "$(store_hash "$B")"
finish
