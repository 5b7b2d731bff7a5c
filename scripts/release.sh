#!/usr/bin/env bash
# The release binary: one file that runs on a bare Debian/Ubuntu server without Swift.
#
#   scripts/release.sh          # writes dist/booktime and dist/SHA256SUMS
#
# - The Swift runtime, Foundation and ICU are linked in (--static-swift-stdlib).
# - SQLite, libjpeg, libpng and zlib are linked from Debian's -dev packages' static archives:
#   the linker is pointed first at a folder holding only those .a files, so `-lsqlite3`, `-ljpeg`,
#   `-lpng` and `-lz` resolve to them instead of the shared libraries.
# - TLS (SMTP) is BoringSSL, compiled in by swift-nio-ssl; libssl is never loaded.
# - What stays dynamic is glibc (libc, libm, libdl, libpthread) and the C++ runtime and unwinder
#   (libstdc++6, libgcc-s1) that Foundation's ICU needs: all present in a minimal Debian root
#   (`debootstrap --variant=minbase`), which e2e/bare-server.sh proves.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

multiarch="$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)"
libdir="/usr/lib/$multiarch"
static_dir="$(pwd)/.build-static-libs"
rm -rf "$static_dir"
mkdir -p "$static_dir"
for lib in sqlite3 jpeg png16 z; do
    if [ ! -f "$libdir/lib$lib.a" ]; then
        echo "error: $libdir/lib$lib.a is missing (apt-get install libsqlite3-dev libjpeg-dev libpng-dev zlib1g-dev)" >&2
        exit 2
    fi
    ln -s "$libdir/lib$lib.a" "$static_dir/lib$lib.a"
done
# The modulemap says `link "png"`. libpng needs zlib, and a static archive only satisfies what
# is asked of it before it on the link line, which SwiftPM orders itself: so libpng.a here holds
# libpng16.a's objects and zlib's together.
rm -f "$static_dir/libpng16.a"
objects="$static_dir/objects"
mkdir -p "$objects"
(cd "$objects" && ar x "$libdir/libpng16.a" && ar x "$libdir/libz.a")
ar rcs "$static_dir/libpng.a" "$objects"/*.o
rm -rf "$objects"

echo "== swift build -c release --static-swift-stdlib (static SQLite, libjpeg, libpng, zlib)"
swift build -c release --product booktime --static-swift-stdlib \
    -Xlinker -L"$static_dir" -Xlinker -lm -Xlinker --gc-sections
bin="$(swift build -c release --show-bin-path)/booktime"

mkdir -p dist
rm -f dist/booktime dist/SHA256SUMS
strip -o dist/booktime "$bin"
(cd dist && sha256sum booktime > SHA256SUMS)

echo "== dist/booktime"
size_bytes="$(stat -c %s dist/booktime)"
echo "size: $((size_bytes / 1024 / 1024)) MiB ($size_bytes bytes, stripped; goal <= 60 MB)"
echo "ldd:"
ldd dist/booktime | sed 's/^/  /'
if ldd dist/booktime | grep -Eq 'libswift|libFoundation|libicu|libsqlite3|libjpeg|libpng|libz\.'; then
    echo "error: dist/booktime still loads a library that should be static" >&2
    exit 1
fi
cat dist/SHA256SUMS

# Cold start: a fresh database in an empty folder until the URL is printed, then the first page.
scratch="$(mktemp -d)"
pid=""
trap '{ [ -n "$pid" ] && kill "$pid" 2> /dev/null; } || true; rm -rf "$scratch"' EXIT
start="$(date +%s%N)"
binary="$(pwd)/dist/booktime"
(cd "$scratch" && exec "$binary" serve --port 0 > serve.log 2>&1) &
pid=$!
url="$(wait_for_url "$scratch/serve.log")"
curl -sf -o /dev/null "$url"
ready="$(date +%s%N)"
echo "cold start (new database with the demo catalogue, to the first page served): $(((ready - start) / 1000000)) ms"
kill -TERM "$pid"
wait "$pid" 2> /dev/null || true
pid=""
