#!/usr/bin/env bash
# Import speed: rows/s, the time per 100,000 rows from the first to the last (flat = linear), and
# the shop serving pages while the import writes into its database.
#
#   bench/import.sh [ROWS]        # default 1,000,000; BOOKTIME_BIN=... to use another binary
#
# The CSV has ROWS distinct products, a distinct tag each plus one of 50 shared tags (the worst
# case for tags), an author column and a description; no images. The shop is started on the same
# database first; during the import a bounded wrk run (-t1 -c8, 5 s each) measures /healthz,
# /products/all/ and a product page, and the same three again once the import is done, so the
# ratios of one run can be compared. Loopback only; everything stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh

rows="${1:-1000000}"
bin="${BOOKTIME_BIN:-dist/booktime}"
[ -x "$bin" ] || scripts/release.sh > /dev/null
command -v wrk > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }

work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

python3 - "$rows" > "$work/products.csv" << 'EOF'
import sys
rows = int(sys.argv[1])
print("name,author,description,tags,image_filename,price")
for i in range(rows):
    print(f"Bench book {i},Author {i % 5000},The story of book {i}: a quiet tale of letters and lighthouses,Tag {i}|Shelf {i % 50},,{i % 90 + 1}.99")
EOF
echo "CSV: $rows rows, $(du -h "$work/products.csv" | cut -f1)"

"$bin" demo "$work/shop.db" > /dev/null
BOOKTIME_LOG_LEVEL=warning "$bin" serve --db "$work/shop.db" --port 0 > "$work/serve.log" 2>&1 &
pid=$!
url="$(wait_for_url "$work/serve.log")"

measure() {  # label: prints requests/s for each page
    local label="$1"
    for path in healthz products/all/ product/pride-and-prejudice/; do
        rps="$(wrk -t1 -c8 -d5s "$url$path" 2> /dev/null | awk '/Requests\/sec/ {print $2}')"
        echo "$label /$path $rps"
    done
}

start="$(date +%s.%N)"
"$bin" import-products "$work/products.csv" --db "$work/shop.db" --progress > "$work/report.txt" 2> "$work/progress.txt" &
import_pid=$!
sleep 2
measure during > "$work/during.txt"
wait "$import_pid"
end="$(date +%s.%N)"
measure after > "$work/after.txt"

echo
echo "== import"
grep -E "^Products|^Tags" "$work/report.txt"
python3 - "$work/progress.txt" "$rows" "$start" "$end" << 'EOF'
import sys
path, rows, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
points = []
for line in open(path):
    if line.startswith("progress "):
        fields = dict(part.split("=") for part in line.split()[1:])
        points.append((int(fields["rows"]), float(fields["seconds"])))
total = points[-1][1]
print(f"{rows:,} rows in {total:.1f} s (import's own clock; {end - start:.1f} s with start-up and parsing): {rows / total:,.0f} rows/s")
step = 100_000 if rows >= 200_000 else max(1, rows // 10)
previous, marks = 0.0, []
for count, seconds in points:
    if count % step == 0:
        marks.append(seconds - previous)
        previous = seconds
print(f"seconds per {step:,} rows, first to last: " + " ".join(f"{m:.2f}" for m in marks))
if marks:
    print(f"last ÷ first: {marks[-1] / marks[0]:.2f} (1.00 = flat)")
EOF

echo
echo "== pages while the import writes (requests/s; ratio to /healthz of the same phase)"
python3 - "$work/during.txt" "$work/after.txt" << 'EOF'
import sys
for path in sys.argv[1:]:
    rows = [line.split() for line in open(path)]
    health = float(rows[0][2])
    for label, page, rps in rows:
        print(f"{label:7} {page:30} {float(rps):10,.0f}  {float(rps) / health:.2f}")
EOF
