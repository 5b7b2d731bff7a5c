#!/usr/bin/env bash
# The JSON API under wrk on a release build, against /healthz in the same run:
#   GET /api/orderlines/ (a full page of 100 lines) with a dispatcher's device token (goal: at
#   least 0.5 of /healthz), and GET /mobile-api/my-orders/ (a customer with 3 orders) with a JWT
#   access token (goal: 5,000 requests/s on 2 cores).
#
#   bench/api.sh                       # 10 s per URL, 2 threads, 32 connections
#   DURATION=30s bench/api.sh
#   BINARY=/tmp/booktime bench/api.sh  # a given binary, not built here
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

DURATION="${DURATION:-10s}"
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
if [ -n "${BINARY:-}" ]; then
    bin="$BINARY"
else
    # The binary that ships, built by its own script: a plain `swift build -c release` uses other
    # flags, so switching between the two rebuilt every package.
    log="$(mktemp)"
    scripts/release.sh > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
    rm -f "$log"
    bin="$(pwd)/dist/booktime"
fi
scratch="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && { kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; }; rm -rf "$scratch"' EXIT

password="benchmarks need a long phrase"
"$bin" demo "$scratch/api.db" > /dev/null
for who in dispatcher customer shopper; do
    role="$who"; [ "$who" = shopper ] && role=customer
    printf '%s\n' "$password" | "$bin" createuser --db "$scratch/api.db" --email "$who@bench.local" --role "$role" --password-stdin > /dev/null
done
# Enough paid lines for a full first page, and a customer with a few orders of their own.
python3 bench/seed_paid_orders.py "$scratch/api.db" shopper@bench.local 60 2 > /dev/null
python3 bench/seed_paid_orders.py "$scratch/api.db" customer@bench.local 3 2 > /dev/null
BOOKTIME_LOG_LEVEL=warning "$bin" serve --port 0 --db "$scratch/api.db" > "$scratch/serve.log" 2>&1 &
pid=$!
url="$(wait_for_url "$scratch/serve.log")"
url="${url%/}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
token="$(curl -sf -X POST "$url/mobile-api/auth/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"dispatcher@bench.local\", \"password\": \"$password\", \"device\": \"wrk\"}" | json token)"
access="$(curl -sf -X POST "$url/api/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"customer@bench.local\", \"password\": \"$password\"}" | json access)"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Token $token" "$url/api/orderlines/")" = 200 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $access" "$url/mobile-api/my-orders/")" = 200 ]

run() {  # label, path, header...
    local label="$1" path="$2"; shift 2
    wrk -t2 -c32 -d"$DURATION" --latency "$@" "$url$path" > "$scratch/wrk.txt"
    local rps p50 p99
    rps="$(awk '/Requests\/sec/ {print $2}' "$scratch/wrk.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$scratch/wrk.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$scratch/wrk.txt")"
    grep -q "Non-2xx" "$scratch/wrk.txt" && { echo "$label: non-2xx answers" >&2; cat "$scratch/wrk.txt" >&2; exit 1; }
    echo "$label|$rps|$p50|$p99"
}
healthz="$(run "/healthz" /healthz)"
lines="$(run "/api/orderlines/ (Token, 100 lines)" /api/orderlines/ -H "Authorization: Token $token")"
orders="$(run "/mobile-api/my-orders/ (JWT, 3 orders)" /mobile-api/my-orders/ -H "Authorization: Bearer $access")"
base="$(echo "$healthz" | cut -d'|' -f2)"
echo "| URL | requests/s | p50 | p99 | ratio to /healthz |"
echo "|---|---:|---:|---:|---:|"
for row in "$healthz" "$lines" "$orders"; do
    IFS='|' read -r label rps p50 p99 <<< "$row"
    printf '| %s | %s | %s | %s | %.2f |\n' "$label" "$rps" "$p50" "$p99" "$(python3 -c "print($rps / $base)")"
done
