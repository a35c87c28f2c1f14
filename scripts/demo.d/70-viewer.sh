# The web map viewer: how to open it, served by `proxima serve` or by any
# static web server (the static copy in out/demo/site/ is an output of the
# scenario, layers/scenarios/demo.yaml, `site: site`).
set -euo pipefail
cat >&2 <<MSG
viewer: to see the results on a map in your browser, run
  $PROXIMA serve $PROJECT
and open http://127.0.0.1:8080/ (Ctrl-C stops the server; --port N for another port).
Or host the static copy written to $OUT/site/ with any web server, e.g.
  python3 -m http.server -d $OUT/site 8000      # then open http://127.0.0.1:8000/
MSG
