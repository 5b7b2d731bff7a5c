#!/usr/bin/env bash
# The release binary: one file that runs on a bare Debian/Ubuntu server without Swift.
#
#   scripts/release.sh                # writes dist/booktime and dist/SHA256SUMS (glibc 2.36 or later:
#                                     # Debian 12+, Ubuntu 24.04+)
#   scripts/release.sh --glibc-2.35   # the same for glibc 2.35 (Ubuntu 22.04), 4 MB larger
#
# - The Swift runtime, Foundation and ICU are linked in (--static-swift-stdlib).
# - SQLite, libjpeg, libpng and zlib are linked from Debian's -dev packages' static archives:
#   the linker is pointed first at a folder holding only those .a files, so `-lsqlite3`, `-ljpeg`,
#   `-lpng` and `-lz` resolve to them instead of the shared libraries.
# - ICU's data is cut to the root and English locales (scripts/icu-data.py: 34 MB -> 3.3 MB);
#   e2e/release_icu.py checks every path of the shop that asks ICU for data.
# - No dynamic symbol table: the toolchain's link arguments ask for --export-dynamic (5 MB of
#   symbol names, 55,000 of them); nothing loads this executable as a library or looks its symbols up by name.
# - Linked by LLVM's lld (the toolchain's own) with packed relative relocations (DT_RELR): the
#   position-independent executable's 163,000 relocations take 53 KB instead of 3.9 MB. glibc
#   reads them from 2.36 on; --glibc-2.35 leaves them unpacked.
# - TLS (SMTP) is BoringSSL, compiled in by swift-nio-ssl; libssl is never loaded.
# - What stays dynamic is glibc (libc, libm, libdl, libpthread) and the C++ runtime and unwinder
#   (libstdc++6, libgcc-s1) that Foundation's ICU needs: all present in a minimal Debian root
#   (`debootstrap --variant=minbase`), which e2e/bare-server.sh proves.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

relocations=(-Xlinker -z -Xlinker pack-relative-relocs)
case "${1:-}" in
    "") ;;
    --glibc-2.35) relocations=() ;;
    *) echo "usage: scripts/release.sh [--glibc-2.35]" >&2; exit 2 ;;
esac

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

echo "== ICU data: root and English locales"
icu="$static_dir/icu"
icu_link=()
if python3 scripts/icu-data.py "$icu"; then
    # The object's name carries the data's hash: SwiftPM relinks when its link arguments change,
    # and does not watch a file handed to the linker.
    icu_object="$icu/icudata-$(sha256sum "$icu/icudata.dat" | cut -c1-16).o"
    cc -c "$icu/icudata.S" -o "$icu_object"
    icu_link=(-Xlinker "$icu_object" -Xlinker --defsym -Xlinker "$(cat "$icu/icudata.symbol")=booktime_icu_data")
else
    echo "warning: this toolchain's ICU is not laid out as scripts/icu-data.py expects; its data is linked whole (34 MB)" >&2
fi

echo "== swift build -c release --static-swift-stdlib (static SQLite, libjpeg, libpng, zlib)"
swift build -c release --product booktime --static-swift-stdlib \
    -Xswiftc -use-ld=lld -Xlinker -L"$static_dir" -Xlinker -lm -Xlinker --gc-sections -Xlinker --no-export-dynamic \
    "${icu_link[@]}" "${relocations[@]}"
bin="$(swift build -c release --show-bin-path)/booktime"

mkdir -p dist
rm -f dist/booktime dist/SHA256SUMS
strip -o dist/booktime "$bin"
(cd dist && sha256sum booktime > SHA256SUMS)

echo "== dist/booktime"
size_bytes="$(stat -c %s dist/booktime)"
echo "size: $(awk -v b="$size_bytes" 'BEGIN {printf "%.1f MB (%.1f MiB)", b / 1e6, b / 1048576}') ($size_bytes bytes, stripped; goal <= 60 MB)"
newest_glibc="$(objdump -T dist/booktime | grep -o 'GLIBC_2\.[0-9]*' | sort -uV | tail -1)"
if readelf -V dist/booktime | grep -q GLIBC_ABI_DT_RELR; then
    echo "needs: glibc 2.36 or later (packed relocations; newest symbol version $newest_glibc)"
else
    echo "needs: glibc ${newest_glibc#GLIBC_} or later"
fi
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
