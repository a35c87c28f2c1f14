# Shared by the bench parts: `bench_median N CMD...` runs CMD N times (after
# one warm-up) and prints "wall_s peak_kib" medians, measured by GNU time.
bench_median() {
  local n=$1; shift
  local tf; tf=$(mktemp)
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq "$n"); do
    /usr/bin/time -f "%e %M" -a -o "$tf" "$@" >/dev/null 2>&1
  done
  sort -n -k1 "$tf" | awk '{w[NR]=$1} END{printf "%s ", w[int((NR+1)/2)]}'
  sort -n -k2 "$tf" | awk '{m[NR]=$2} END{printf "%s\n", m[int((NR+1)/2)]}'
  rm -f "$tf"
}
