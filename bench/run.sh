#!/usr/bin/env bash
# Benchmarks BookTime's pages with wrk against a release build on loopback.
#
#   bench/run.sh                     # 10,000 generated products, 10 s per URL, 2 threads, 32 connections
#   PRODUCTS=100000 bench/run.sh     # a larger catalogue
#   DURATION=30s bench/run.sh        # longer runs
#   BINARY=/tmp/booktime bench/run.sh  # a given binary (default: scripts/release.sh builds dist/booktime)
#
#   ROUNDS=5 ONLY='sort|\.js' bench/run.sh  # 5 rounds of the URLs matching a regex, medians shown
#
# Starts the binary on a free port with a fresh database filled by bench/generate.py (plus one
# imported product with a real image), runs a bounded wrk per URL, prints requests/s, p50 and p99
# per URL and each page's throughput as a ratio of /healthz, then stops the server. Each ratio is
# paired: /healthz is measured again right before each page and the page is divided by that run,
# so the machine's drift over the minutes of a run (large on shared machines) does not enter the
# ratio. With ROUNDS=n each pair is measured n times and the row shows the medians. Pages and files that are sent gzip-compressed are measured both ways (rows marked
# "gzip" send `Accept-Encoding: gzip`), after a table of their sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PRODUCTS="${PRODUCTS:-10000}"
ROUNDS="${ROUNDS:-1}"
ONLY="${ONLY:-}"

command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

if [ -n "${BINARY:-}" ]; then
    bin="$BINARY"  # another build to measure (before/after a change, in one session)
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

# The database: migrated, generated products, one imported book with a picture.
"$bin" migrate --db "$scratch/bench.db" > /dev/null
python3 bench/generate.py "$scratch/bench.db" "$PRODUCTS" > /dev/null
python3 - "$scratch" << 'PY'
import struct, sys, zlib
d = sys.argv[1]
w, h = 600, 900
row = b"\0" + bytes(v for x in range(w) for v in (x * 255 // w, 80, 255 - x * 255 // w))
raw = row * h
chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xFFFFFFFF)
open(d + "/cover.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(d + "/one.csv", "w").write("name,author,description,tags,image_filename,price\nThe Benchmark Book,A. Writer,A book with a picture.,Subject 01,cover.png,9.99\n")
PY
"$bin" import-products "$scratch/one.csv" --images "$scratch" --db "$scratch/bench.db" > /dev/null
echo "a long enough phrase" | "$bin" createuser --email reader@bench.local --role customer --password-stdin --db "$scratch/bench.db" > /dev/null

BOOKTIME_LOG_LEVEL=warning "$bin" serve --port 0 --db "$scratch/bench.db" > "$scratch/serve.log" 2>&1 &
pid=$!
url="$(wait_for_url "$scratch/serve.log")"
url="${url%/}"

css="$(curl -s "$url/" | grep -o '/static/site\.[0-9a-f]*\.css' | head -1)"
# A static file about a list page's size (8.5 KB): answered from memory with nothing per request,
# so its ratio is the floor that sending that many bytes sets for any page on this machine.
js="$(curl -s "$url/" | grep -o '/static/site\.[0-9a-f]*\.js' | head -1)"
thumb="$(curl -s "$url/product/the-benchmark-book/" | grep -o '/images/[0-9a-f]\{64\}' | tail -1)"
pages="$(curl -s "$url/products/all/" | grep -o 'page [0-9]* of [0-9]*' | awk '{print $4}')"
deep=$(( ${pages:-1} / 2 ))
slug="bench-$(( PRODUCTS / 2 ))"
paths=("/healthz" "/" "/about-us/" "/contact-us/" "/products/all/" "/products/all/?page=$deep" "/products/subject-07/"
    "/products/all/?sort=-price" "/products/subject-07/?sort=newest&in_stock=1" "/search/?q=winter&sort=price"
    "/product/$slug/" "/search/?q=winter+gar" "$thumb" "$css" "$js")

for path in "${paths[@]}"; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$url$path")"
    [ "$code" = "200" ] || { echo "GET $path answered $code" >&2; exit 1; }
done

# A signed-in visitor: the same pages plus the per-request user check and account menu.
jar="$scratch/cookies.txt"
token="$(curl -s -c "$jar" "$url/login/" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $url" --data-urlencode "email=reader@bench.local" \
    --data-urlencode "password=a long enough phrase" --data-urlencode "csrf_token=$token" "$url/login/"
session="$(awk '$6 == "booktime_session" {print $7}' "$jar")"
[ -n "$session" ] || { echo "signing in for the benchmark failed" >&2; exit 1; }
signed_in=("/about-us/" "/product/$slug/" "/address/")

printf '\nBookTime %s, %s products, wrk -t%s -c%s -d%s, %s cores\n\n' "$(git rev-parse --short HEAD 2> /dev/null || echo '?')" \
    "$PRODUCTS" "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc)"
printf '| %-34s | %10s | %9s | %9s | %10s | %8s |\n' "URL" "requests/s" "p50" "p99" "healthz/s" "÷healthz"
printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------" "------------" "-----------" "-----------" "------------" "----------"
# wrk_run PATH [WRK OPTIONS...]: "requests/s p50 p99 errors" of one bounded wrk run.
wrk_run() {
    local path="$1" out
    shift
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url$path")"
    printf '%s %s %s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<< "$out")" "$(awk '$1 == "50%" {print $2}' <<< "$out")" \
        "$(awk '$1 == "99%" {print $2}' <<< "$out")" "$(awk '/Non-2xx|Socket errors/ {printf "%s; ", $0}' <<< "$out" | tr ' ' '_')"
}
# measure LABEL PATH [WRK OPTIONS...]: one table row; /healthz then the page, ROUNDS times.
measure() {
    local label="$1" path="$2" round healthz page ratios="" rates="" healthzes="" p50 p99 errors
    shift 2
    [ -z "$ONLY" ] || [[ "$label" =~ $ONLY ]] || return 0
    for round in $(seq "$ROUNDS"); do
        healthz="$(wrk_run /healthz)"
        page="$(wrk_run "$path" "$@")"
        read -r rate p50 p99 errors <<< "$page"
        ratios="$ratios $(awk -v a="$rate" -v b="${healthz%% *}" 'BEGIN {printf "%.3f", a / b}')"
        rates="$rates $rate"
        healthzes="$healthzes ${healthz%% *}"
        [ -z "$errors" ] || echo "  ! ${errors//_/ }"
    done
    [ ${#label} -le 34 ] || label="${label:0:31}..."
    printf '| %-34s | %10s | %9s | %9s | %10s | %8s |\n' "$label" "$(median $rates)" "$p50" "$p99" "$(median $healthzes)" \
        "$(median $ratios | awk '{printf "%.2f", $1}')"
    [ "$ROUNDS" = 1 ] || echo "  ratios:$ratios"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for path in "${paths[@]}"; do
    measure "$path" "$path"
done
for path in "${signed_in[@]}"; do
    measure "signed in $path" "$path" -H "Cookie: booktime_session=$session"
done
gzip_paths=("/" "/products/all/" "/products/all/?sort=-price" "/products/subject-07/?sort=newest&in_stock=1" "/search/?q=winter&sort=price"
    "/product/$slug/" "/search/?q=winter+gar" "$css" "$js")
for path in "${gzip_paths[@]}"; do
    measure "gzip $path" "$path" -H "Accept-Encoding: gzip"
done
measure "gzip signed in /product/$slug/" "/product/$slug/" -H "Accept-Encoding: gzip" -H "Cookie: booktime_session=$session"

printf '\n| %-34s | %10s | %10s | %6s |\n' "bytes sent" "plain" "gzip" "ratio"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "------------" "------------" "--------"
for path in "${gzip_paths[@]}"; do
    plain="$(curl -s "$url$path" | wc -c)"
    packed="$(curl -s -H 'Accept-Encoding: gzip' "$url$path" | wc -c)"
    label="$path"
    [ ${#label} -le 34 ] || label="${label:0:31}..."
    printf '| %-34s | %10s | %10s | %6s |\n' "$label" "$plain" "$packed" "$(awk -v a="$packed" -v b="$plain" 'BEGIN {printf "%.2f", a / b}')"
done
echo
