#!/usr/bin/env bash
# Two builds compared on one noisy machine: both serve copies of the same database and take turns
# under wrk (/healthz, then each URL, A then B, ROUNDS times), so drift hits both alike.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY [URL_PATH...]   # default paths: a sorted list page, its gzip form
#   ROUNDS=7 DURATION=5s bench/ab.sh /tmp/a /tmp/b '/products/all/?sort=-price'
#
# Prints, per path and build, the median requests/s and the median ratio to the same build's
# /healthz run just before it. A path prefixed with `gzip:` is fetched with Accept-Encoding: gzip.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

[ $# -ge 2 ] || { echo "usage: bench/ab.sh OLD_BINARY NEW_BINARY [URL_PATH...]" >&2; exit 2; }
old="$1" new="$2"
shift 2
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("/products/all/?sort=-price" "gzip:/products/all/?sort=-price")
DURATION="${DURATION:-5s}"
ROUNDS="${ROUNDS:-5}"
PRODUCTS="${PRODUCTS:-10000}"
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

scratch="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done; rm -rf "$scratch"' EXIT
"$new" migrate --db "$scratch/a.db" > /dev/null
python3 bench/generate.py "$scratch/a.db" "$PRODUCTS" > /dev/null
cp "$scratch/a.db" "$scratch/b.db"
declare -A url
for side in a b; do
    bin="$old"
    [ "$side" = b ] && bin="$new"
    BOOKTIME_LOG_LEVEL=warning "$bin" serve --port 0 --db "$scratch/$side.db" > "$scratch/$side.log" 2>&1 &
    pids+=($!)
    url[$side]="$(wait_for_url "$scratch/$side.log")"
    url[$side]="${url[$side]%/}"
done

rate() {  # rate URL [WRK OPTIONS...]
    local target="$1"
    shift
    wrk -t2 -c32 -d"$DURATION" "$@" "$target" | awk '/Requests\/sec/ {print $2}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '%-40s %6s %12s %10s   %s\n' "path" "build" "requests/s" "÷healthz" "ratios"
for spec in "${paths[@]}"; do
    path="${spec#gzip:}"
    options=()
    [ "$spec" = "$path" ] || options=(-H "Accept-Encoding: gzip")
    declare -A ratios=([a]="" [b]="") rates=([a]="" [b]="")
    for side in a b; do curl -s -o /dev/null "${url[$side]}$path"; done  # cached before it is measured
    for _ in $(seq "$ROUNDS"); do
        for side in a b; do
            healthz="$(rate "${url[$side]}/healthz")"
            page="$(rate "${url[$side]}$path" "${options[@]}")"
            rates[$side]="${rates[$side]} $page"
            ratios[$side]="${ratios[$side]} $(awk -v a="$page" -v b="$healthz" 'BEGIN {printf "%.3f", a / b}')"
        done
    done
    for side in a b; do
        label="old"
        [ "$side" = b ] && label="new"
        # shellcheck disable=SC2086
        printf '%-40s %6s %12s %10s  %s\n' "$spec" "$label" "$(median ${rates[$side]})" "$(median ${ratios[$side]} | awk '{printf "%.3f", $1}')" "${ratios[$side]}"
    done
done
