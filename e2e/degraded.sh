#!/usr/bin/env bash
# Degrading gracefully: the database on a small tmpfs, then the disk filled, then the write lock
# held by another process past the busy timeout. Each time a form POST gets a 503 page saying
# nothing was saved, pages that only read keep working, /readyz says what is wrong, and once the condition clears the shop saves
# again by itself. At the end only the acknowledged messages are in the file, and it checks ok.
#
#   e2e/degraded.sh [BINARY]     # default: dist/booktime
#
# Mounts a tmpfs, so it needs root (as `.ci/run` has); without root it says so and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh
source e2e/tmpfs.sh
bin="${1:-$(pwd)/dist/booktime}"
scratch_on_tmpfs degraded 8m
jar="$scratch/cookies"

( cd "$scratch" && BOOKTIME_READY_MIN_FREE_MB=1 exec "$bin" serve --port 0 --db "$scratch/data/shop.db" > serve.log 2>&1 ) &
echo $! > "$scratch/pid"
url="$(wait_for_url "$scratch/serve.log")"
curl -s -c "$jar" -o /dev/null "${url}contact-us/"
token="$(awk '$6 == "csrftoken" { print $7 }' "$jar")"

post() {  # POST the contact form; prints the status, keeps the page in $scratch/page
    curl -s -b "$jar" -o "$scratch/page" -w '%{http_code}' --data-urlencode "name=Anne" --data-urlencode "email=anne@example.com" \
        --data-urlencode "message=$1" --data-urlencode "csrf_token=$token" "${url}contact-us/"
}
expect() {  # expect WHAT GOT WANT
    [ "$2" = "$3" ] || { echo "degraded: $1: got $2, wanted $3"; tail -5 "$scratch/serve.log"; exit 1; }
    echo "  $1: $2"
}
get() { curl -s -o /dev/null -w '%{http_code}' "$url$1"; }

expect "a message, disk fine" "$(post 'first')" 303

echo "== the disk fills"
dd if=/dev/zero of="$scratch/data/filler" bs=64k 2> /dev/null || true
expect "a message, disk full" "$(post 'lost to a full disk')" 503
grep -q "disk is full" "$scratch/page" || { echo "degraded: the 503 page does not say the disk is full"; exit 1; }
expect "a product page meanwhile" "$(get product/emma/)" 200
expect "the catalogue meanwhile" "$(get products/all/)" 200
expect "/readyz meanwhile" "$(get readyz)" 503
rm "$scratch/data/filler"
expect "a message, disk freed" "$(post 'second')" 303
expect "/readyz again" "$(get readyz)" 200

echo "== another process holds the write lock past the busy timeout (5 s)"
python3 -c "
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute('BEGIN IMMEDIATE')
open(sys.argv[2], 'w').close()
time.sleep(9)
db.execute('ROLLBACK')
" "$scratch/data/shop.db" "$scratch/locked" &
locker=$!
while [ ! -e "$scratch/locked" ]; do sleep 0.1; done
expect "a message, database locked" "$(post 'lost to a held lock')" 503
grep -q "busy" "$scratch/page" || { echo "degraded: the 503 page does not say the shop is busy"; exit 1; }
expect "a product page meanwhile" "$(get product/pride-and-prejudice/)" 200
wait "$locker"
expect "a message, lock released" "$(post 'third')" 303

kill -TERM "$(cat "$scratch/pid")"
while kill -0 "$(cat "$scratch/pid")" 2> /dev/null; do sleep 0.1; done
"$bin" check --db "$scratch/data/shop.db" > /dev/null || { echo "degraded: the database fails its check"; exit 1; }
saved="$(python3 -c "import sqlite3,sys; print(','.join(r[0].split(chr(10))[-1] for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT body FROM emailOutbox WHERE subject LIKE 'Site message%' ORDER BY id\")))" "$scratch/data/shop.db")"
echo "  saved messages: $saved"
case "$saved" in *lost*) echo "degraded: a refused message was saved"; exit 1;; esac
echo "degraded: ok (503 with a reason while full or locked, reads served, recovered by itself, nothing refused was saved)"
