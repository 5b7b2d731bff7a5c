#!/usr/bin/env bash
# The release binary on a bare server: a minimal Debian bookworm root (debootstrap --variant=minbase,
# no Swift, no -dev packages), with only dist/booktime copied in. Inside chroot it starts on a fresh
# database and must serve /, a product page and the stylesheet.
#
#   e2e/bare-server.sh [BINARY]     # default: dist/booktime (scripts/release.sh writes it)
#
# The root is built once and cached outside the repository (BOOKTIME_BARE_ROOT, default
# /var/cache/booktime-bare/bookworm); each run works on a fresh copy of it. Needs root (chroot).
# The binary needs nothing from the system that minbase lacks, so no package is installed in the
# root; were one needed, it would be named in the README's deploy section and installed here.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-dist/booktime}"
[ -x "$bin" ] || { echo "error: $bin is missing; run scripts/release.sh first" >&2; exit 2; }
cache="${BOOKTIME_BARE_ROOT:-/var/cache/booktime-bare/bookworm}"

if [ "$(id -u)" != "0" ]; then
    echo "error: e2e/bare-server.sh needs root (debootstrap and chroot)" >&2
    exit 2
fi
if [ ! -f "$cache/.complete" ]; then
    if ! command -v debootstrap > /dev/null; then
        echo "== installing debootstrap"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap > /dev/null
    fi
    echo "== debootstrap --variant=minbase bookworm $cache (once; cached)"
    rm -rf "$cache"
    mkdir -p "$(dirname "$cache")"
    mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2> /dev/null | head -1)"
    debootstrap --variant=minbase bookworm "$cache" "${mirror:-http://deb.debian.org/debian}" > /tmp/booktime-debootstrap.log 2>&1 \
        || { tail -20 /tmp/booktime-debootstrap.log >&2; exit 1; }
    touch "$cache/.complete"
fi

root="$(mktemp -d /tmp/booktime-bare.XXXXXX)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2> /dev/null || true
    umount "$root/proc" 2> /dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT
cp -a "$cache/." "$root/"
mkdir -p "$root/srv/shop"
cp "$bin" "$root/srv/shop/booktime"

echo "== in the bare root: what the system provides"
if chroot "$root" sh -c 'command -v swift || ls /usr/lib/*/libswiftCore.so* /usr/lib/*/libsqlite3.so* /usr/lib/*/libjpeg.so* 2>/dev/null'; then
    echo "error: the bare root has Swift or a library the binary should carry" >&2
    exit 1
fi
mount -t proc proc "$root/proc"
echo "missing libraries: $(chroot "$root" ldd /srv/shop/booktime | grep -c 'not found' || true)"

chroot "$root" sh -c 'cd /srv/shop && exec ./booktime serve --port 0 > serve.log 2>&1' &
pid=$!
url=""
for _ in $(seq 1 200); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$root/srv/shop/serve.log" 2> /dev/null | head -1 || true)"
    [ -n "$url" ] && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "error: booktime did not start in the bare root:" >&2
    cat "$root/srv/shop/serve.log" >&2
    exit 1
fi
fail=0
for path in "" "product/pride-and-prejudice/"; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$url$path")"
    echo "GET /$path -> $code"
    [ "$code" = "200" ] || fail=1
done
css="$(curl -s "$url" | grep -o '/static/site\.[0-9a-f]*\.css' | head -1)"
code="$(curl -s -o /dev/null -w '%{http_code}' "$url${css#/}")"
echo "GET $css -> $code"
[ -n "$css" ] && [ "$code" = "200" ] || fail=1
kill -TERM "$pid"
wait "$pid" 2> /dev/null || true
pid=""
[ -f "$root/srv/shop/booktime.db" ] || { echo "error: no database was created" >&2; fail=1; }
if [ "$fail" = 0 ]; then echo "bare server: ok"; else echo "bare server: FAILED" >&2; cat "$root/srv/shop/serve.log" >&2; fi
exit "$fail"
