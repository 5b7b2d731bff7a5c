#!/usr/bin/env python3
"""ICU's data for the release binary, cut to what an English-language shop uses.

    scripts/icu-data.py OUT_DIR [LIB_FOUNDATION_ICU_A]

Foundation on Linux carries ICU with all of its data compiled in: the toolchain's
lib_FoundationICU.a holds one 34 MB symbol, `icudt<N>_dat`, an ICU "common data" package of
~4,900 items (every locale's names, calendars, currencies and units, collation, break
dictionaries, legacy character-set converters). This script reads that package, keeps what the
shop can use, and writes OUT_DIR/icudata.S, which defines `booktime_icu_data` over the smaller
package (OUT_DIR/icudata.dat), and OUT_DIR/icudata.symbol, the name ICU looks for. scripts/release.sh
assembles the one and links it with `--defsym icudt<N>_dat=booktime_icu_data`: the name is then
defined before the linker searches the toolchain's archive, which it does first, so the archive's
34 MB member is never loaded. (An object defining `icudt<N>_dat` itself would clash with it: the
archive's member is loaded before any object added to the link line.)

This does what ICU's own data build tool does with a filter file (a locale include list, feature
filters), on the built package instead of ICU's sources, which the toolchain does not ship. Each
item of the package is a whole file (a locale's bundle in one tree, a converter, a dictionary), so
keeping or dropping items is all a filter needs: the kept items are copied byte for byte.

Kept: the root locale and every English one (`en`, `en_GB`, `en_US_POSIX`, ...): their calendars,
date and number patterns and symbols, currencies (number formatting reads them) and time zone
formats (the JSON API's dates end in a `Z` that ICU writes from them); each kept tree's shared
string pool and index; and the locale-independent data (time zone rules, supplemental data,
plural rules, normalization, transliterators: stripping accents for slugs needs their index).
Dropped: other languages' bundles; the trees the shop asks nothing of (display names of
languages, regions and units, spelled-out numbers, collation, text breaking and its
dictionaries: it sorts and splits words in SQLite and formats money itself); legacy
character-set converters (`.cnv`: the shop reads and writes UTF-8, and CoreFoundation converts
Latin-1, Windows-1252 and MacRoman without ICU); stringprep profiles (`.spp`, IDNA2003 and SASL);
the spoof checker's confusables; Unicode character names.

A server whose locale is not English formats the few numbers and dates that follow the locale
(the import's progress line) as ICU's root locale does: `1,234`, not an error. Dates the shop
shows or writes are formatted in UTC by the shop's own code or with `en_US_POSIX`.

If the archive is not laid out as expected (another toolchain), the script says so on standard
error and exits 3; release.sh then links ICU's data whole.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

LOCALE_BUNDLE = re.compile(r"^(?:root|[a-z]{2,3}(?:_[A-Za-z0-9]+)*)\.res$")
DROPPED_SUFFIXES = (".cnv", ".spp", ".cfu")
DROPPED_FILES = {"unames.icu"}
# Trees the shop asks ICU nothing of: display names of languages, regions and units, spelled-out
# numbers, collation (it sorts in SQLite) and text breaking (SQLite's FTS5 splits words; Swift's
# String finds characters itself). Currencies stay (number formatting reads them), and so do time
# zones (ISO8601DateFormatter writes the JSON API's `Z` through ICU's zone formats).
DROPPED_TREES = {"lang", "region", "unit", "rbnf", "coll", "brkitr"}
ITEM_ALIGNMENT = 16


def keep(path):
    """Whether the item at `path` (inside the package, e.g. `coll/en.res`) is kept."""
    tree, _, leaf = path.rpartition("/")
    if tree in DROPPED_TREES or leaf in DROPPED_FILES or leaf.endswith(DROPPED_SUFFIXES):
        return False
    if LOCALE_BUNDLE.match(leaf):
        locale = leaf[: -len(".res")]
        return locale in ("root", "en") or locale.startswith("en_")
    return True


def read_package(archive):
    """The symbol's name and bytes: the archive member that defines `icudt<N>_dat`, its .rodata."""
    listing = subprocess.run(["nm", "-A", archive], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^[^\n]*?:([^:\n]+\.o):[0-9a-f]+ R (icudt\d+_dat)$", listing, re.MULTILINE)
    if not found:
        raise LookupError(f"{archive} defines no icudt<N>_dat symbol")
    member, symbol = found.groups()
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["ar", "x", os.path.abspath(archive), member], cwd=work, check=True)
        data = os.path.join(work, "data.bin")
        subprocess.run(["objcopy", "-O", "binary", "--only-section=.rodata", os.path.join(work, member), data], check=True)
        with open(data, "rb") as file:
            return symbol, file.read()


def items(package):
    """The package's header and its items as (name, bytes), in the table of contents' order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise LookupError("not an ICU common data package")
    toc = header_size
    (count,) = struct.unpack_from("<I", package, toc)
    entries = [struct.unpack_from("<II", package, toc + 4 + 8 * i) for i in range(count)]
    result = []
    for index, (name_offset, data_offset) in enumerate(entries):
        name_end = package.index(b"\0", toc + name_offset)
        end = entries[index + 1][1] if index + 1 < count else len(package) - toc
        result.append((package[toc + name_offset : name_end].decode(), package[toc + data_offset : toc + end]))
    return package[:header_size], result


def write_package(header, kept):
    """A package of the kept items: ICU's layout (header, sorted table of contents, names, items
    each aligned to 16 bytes), offsets counted from the table of contents as ICU reads them."""
    count = len(kept)
    names = b"".join(name.encode() + b"\0" for name, _ in kept)
    names_start = 4 + 8 * count  # after the count and the table of contents
    data_start = -(-(names_start + len(names)) // ITEM_ALIGNMENT) * ITEM_ALIGNMENT
    table = [struct.pack("<I", count)]
    body = bytearray()
    name_offset = names_start
    for name, data in kept:
        table.append(struct.pack("<II", name_offset, data_start + len(body)))
        name_offset += len(name.encode()) + 1
        body += data
        body += b"\0" * (-len(body) % ITEM_ALIGNMENT)
    padding = b"\0" * (data_start - names_start - len(names))
    return header + b"".join(table) + names + padding + bytes(body)


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    archive = sys.argv[2] if len(sys.argv) == 3 else None
    if archive is None:
        swiftc = subprocess.run(["sh", "-c", "command -v swiftc"], capture_output=True, text=True).stdout.strip()
        archive = os.path.join(os.path.dirname(os.path.realpath(swiftc)), "..", "lib", "swift_static", "linux", "lib_FoundationICU.a")
    try:
        symbol, package = read_package(archive)
        header, all_items = items(package)
    except (LookupError, OSError, subprocess.CalledProcessError) as error:
        print(f"icu-data: {error}", file=sys.stderr)
        return 3
    kept = [(name, data) for name, data in all_items if keep(name.partition("/")[2])]
    names = [name for name, _ in kept]
    assert names == sorted(names, key=lambda name: name.encode()), "ICU looks items up by binary search"
    smaller = write_package(header, kept)
    if items(smaller)[1] != kept:
        print("icu-data: the written package does not read back as the kept items", file=sys.stderr)
        return 3
    os.makedirs(out_dir, exist_ok=True)
    dat = os.path.join(os.path.abspath(out_dir), "icudata.dat")
    with open(dat, "wb") as file:
        file.write(smaller)
    with open(os.path.join(out_dir, "icudata.S"), "w") as file:
        file.write(
            f"""// Written by scripts/icu-data.py: ICU's data, root and English locales only.
    .section .rodata.booktime_icu_data,"a"
    .globl booktime_icu_data
    .type booktime_icu_data, %object
    .balign {ITEM_ALIGNMENT}
booktime_icu_data:
    .incbin "{dat}"
    .size booktime_icu_data, . - booktime_icu_data
    .section .note.GNU-stack,"",%progbits
"""
        )
    with open(os.path.join(out_dir, "icudata.symbol"), "w") as file:
        file.write(symbol + "\n")
    print(f"ICU data: {len(package) / 1e6:.1f} MB -> {len(smaller) / 1e6:.1f} MB ({len(kept)} of {len(all_items)} items; see scripts/icu-data.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
