# Sourced by the scripts that start `booktime serve --port 0` (release, CI, benchmarks, the bare
# server test): `url="$(wait_for_url LOG)"` waits up to 10 s for the address the server prints
# in LOG, or fails showing the log.
wait_for_url() {
    local log="$1" url=""
    for _ in $(seq 1 200); do
        url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" 2> /dev/null | head -1 || true)"
        if [ -n "$url" ]; then
            echo "$url"
            return 0
        fi
        sleep 0.05
    done
    echo "error: the shop did not start:" >&2
    cat "$log" >&2
    return 1
}
