#!/bin/bash
# CPU time per request of `rolegraph serve --production` (answer cache off) under wrk, for A/B comparisons run
# in turn on a shared machine, where req/s of one run says little: the server's process tree's user+system
# ticks (/proc/PID/stat) over a 5 s run at 8 clients, divided by the requests answered.
#   bench/cpu_per_request.sh STORE [LABEL]     settings from the environment (ROLEGRAPH_PIN_WORKERS=false …;
#                                              THREADS=N: request threads per worker, else serve's default;
#                                              CACHE_MB=64: the answer cache on, its hits measured)
# Prints: LABEL  x1 p50 (3 s, 1 client) · cheap x8 req/s · CPU µs per request · mid x8 req/s (4 s).
# The cheap query is one skos:prefLabel lookup; the mid one the tools of the role with most tools (as wrk_bench).
set -eu
cd "$(dirname "$0")/.."
STORE=$1; LABEL=${2:-$(git rev-parse --short HEAD)}; PORT=${PORT:-18941}
PYTHON="${PYTHON:-.venv/bin/python}"
ROLEGRAPH_RESULT_CACHE_MB=${CACHE_MB:-0} "$PYTHON" -m rolegraph --store "$STORE" serve --production --port "$PORT" ${THREADS:+--threads "$THREADS"} >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
read -r CHEAP MID < <("$PYTHON" - "$STORE" <<'PY'
import sys, urllib.parse
sys.path[:0] = ["bench"]
import compare, wrk_bench
texts = compare.workload(wrk_bench.pick_subjects(sys.argv[1]))
print(*(urllib.parse.quote(texts[name], safe="") for name in ("label-exact", "role-tools")))
PY
)
BASE="http://127.0.0.1:$PORT/sparql?query="
for _ in $(seq 150); do curl -sf "$BASE$CHEAP" >/dev/null && break; sleep 0.2; done
wrk -t2 -c8 -d1s "$BASE$CHEAP" >/dev/null
tree() { echo "$PID" $(pgrep -P "$PID") $(for p in $(pgrep -P "$PID"); do pgrep -P "$p"; done); }
ticks() { local s=0; for p in $(tree); do set -- $(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null); s=$((s + ${1:-0} + ${2:-0})); done; echo $s; }
p50=$(wrk -t1 -c1 -d3s --latency "$BASE$CHEAP" | awk '$1 == "50%" {print $2}')
before=$(ticks)
out=$(wrk -t2 -c8 -d5s "$BASE$CHEAP")
after=$(ticks)
requests=$(echo "$out" | awk '/requests in/ {print $1}')
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
mid=$(wrk -t2 -c8 -d4s "$BASE$MID" | awk '/Requests\/sec/ {print $2}')
echo "$LABEL  x1 p50 $p50  cheap x8 $rps req/s  $(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests )) us CPU per request  mid x8 $mid req/s"
