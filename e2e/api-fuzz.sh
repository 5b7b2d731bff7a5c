#!/usr/bin/env bash
# Fuzzes the JSON API against its own document with schemathesis (PyPI), once per kind of
# credentials: HTTP Basic as a dispatcher, a device token of a customer, a JWT access token of a
# dispatcher. Fails on any 5xx and on any answer the document does not allow (status, content
# type, headers, body schema). Bounded: EXAMPLES cases per operation and MAX_TIME seconds per run.
#
#   e2e/api-fuzz.sh [BINARY]          # default dist/booktime; run by .ci/run
#   EXAMPLES=100 MAX_TIME=300 e2e/api-fuzz.sh .build/debug/booktime
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

bin="$(realpath "${1:-dist/booktime}")"
EXAMPLES="${EXAMPLES:-25}"
MAX_TIME="${MAX_TIME:-90}"
command -v schemathesis > /dev/null || python3 -m pip install --quiet schemathesis > /dev/null

scratch="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && { kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; }; rm -rf "$scratch"' EXIT
password="fuzzing is a long enough phrase"
"$bin" demo "$scratch/fuzz.db" > /dev/null
for who in dispatcher customer; do
    printf '%s\n' "$password" | "$bin" createuser --db "$scratch/fuzz.db" --email "$who@fuzz.local" --role "$who" --password-stdin > /dev/null
done
# Paid orders with lines, so the dispatch API has something to list and change.
python3 bench/seed_paid_orders.py "$scratch/fuzz.db" customer@fuzz.local 3 2 > /dev/null
BOOKTIME_LOG_LEVEL=warning BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE=100000 BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT=100000 \
    "$bin" serve --port 0 --db "$scratch/fuzz.db" > "$scratch/serve.log" 2>&1 &
pid=$!
url="$(wait_for_url "$scratch/serve.log")"
url="${url%/}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
token="$(curl -sf -X POST "$url/mobile-api/auth/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"customer@fuzz.local\", \"password\": \"$password\", \"device\": \"fuzzer\"}" | json token)"
access="$(curl -sf -X POST "$url/api/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"dispatcher@fuzz.local\", \"password\": \"$password\"}" | json access)"
basic="$(printf 'dispatcher@fuzz.local:%s' "$password" | base64 -w0)"

checks="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
total=0
for auth in "Basic $basic" "Token $token" "Bearer $access"; do
    echo "== schemathesis with Authorization: ${auth%% *}"
    # From the scratch folder: schemathesis keeps its example database in ./.schemathesis.
    ( cd "$scratch" && schemathesis run "$url/api/openapi.json" --url "$url" -H "Authorization: $auth" --checks "$checks" \
        --max-examples "$EXAMPLES" --max-time "$MAX_TIME" --seed 1 --request-timeout 10 --no-color > "$scratch/run.log" 2>&1 ) || {
        cat "$scratch/run.log"; exit 1; }
    tail -n 12 "$scratch/run.log"
    count="$(grep -oE '[0-9]+ generated' "$scratch/run.log" | grep -oE '[0-9]+' | head -1 || true)"
    total=$((total + ${count:-0}))
done
echo "schemathesis: $total generated test cases over three kinds of credentials, no failures"
