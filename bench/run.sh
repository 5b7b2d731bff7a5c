#!/usr/bin/env bash
# Benchmarks BookTime's pages with wrk against a release build on loopback.
#
#   bench/run.sh                 # 10 s per URL, 2 threads, 32 connections
#   DURATION=30s bench/run.sh    # longer runs
#
# Starts the binary on a free port with a fresh database in a temporary directory, runs a bounded
# wrk per URL, prints requests/s and p99 latency per URL as a table, then stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"

command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

swift build -c release --product booktime > /dev/null
bin="$(swift build -c release --show-bin-path)/booktime"
scratch="$(mktemp -d)"
trap 'kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; rm -rf "$scratch"' EXIT

BOOKTIME_LOG_LEVEL=warning "$bin" serve --port 0 --db "$scratch/bench.db" > "$scratch/serve.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$scratch/serve.log" | head -1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "server did not start" >&2; cat "$scratch/serve.log" >&2; exit 1; }

css="$(curl -s "$url" | grep -o '/static/site\.[0-9a-f]*\.css' | head -1)"
paths=("/" "/about-us/" "/contact-us/" "$css" "/healthz")

printf '\nBookTime %s, wrk -t%s -c%s -d%s, %s cores\n\n' "$(git rev-parse --short HEAD 2> /dev/null || echo '?')" \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc)"
printf '| %-32s | %12s | %10s | %10s |\n' "URL" "requests/s" "p50" "p99"
printf '|%s|%s|%s|%s|\n' "----------------------------------" "--------------" "------------" "------------"
for path in "${paths[@]}"; do
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${url%/}$path")"
    rps="$(awk '/Requests\/sec/ {print $2}' <<< "$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<< "$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<< "$out")"
    errors="$(awk '/Non-2xx|Socket errors/ {print}' <<< "$out")"
    printf '| %-32s | %12s | %10s | %10s |\n' "$path" "$rps" "$p50" "$p99"
    [ -z "$errors" ] || echo "  ! $errors"
done
echo
