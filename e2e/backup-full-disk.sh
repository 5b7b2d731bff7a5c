#!/usr/bin/env bash
# A full disk during a scheduled backup: the backup fails and the log says so, no partial file is
# left, the live database is untouched and the shop keeps serving.
#
#   e2e/backup-full-disk.sh [BINARY]     # default: dist/booktime
#
# Mounts a 256 KiB tmpfs as the backup folder (e2e/tmpfs.sh), so it needs root (as `.ci/run` has); without root
# it says so and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wait-for-url.sh
source e2e/tmpfs.sh
bin="${1:-$(pwd)/dist/booktime}"
scratch_on_tmpfs backup-full-disk 256k
( cd "$scratch" && exec "$bin" serve --port 0 --db "$scratch/shop.db" --backup-dir "$scratch/data" --backup-every 1s > serve.log 2>&1 ) &
echo $! > "$scratch/pid"
url="$(wait_for_url "$scratch/serve.log")"
sleep 3
grep -q "is full. The live database is untouched" "$scratch/serve.log" || { echo "no full-disk message:"; cat "$scratch/serve.log"; exit 1; }
grep -m1 "Backup to" "$scratch/serve.log"
leftovers="$(ls -A "$scratch/data")"
[ -z "$leftovers" ] || { echo "left in the backup folder: $leftovers"; exit 1; }
code="$(curl -s -o /dev/null -w '%{http_code}' "${url}products/all/")"
[ "$code" = "200" ] || { echo "the shop stopped serving: $code"; exit 1; }
kill -TERM "$(cat "$scratch/pid")"
sleep 1
"$bin" check --db "$scratch/shop.db" > /dev/null || { echo "the live database fails its check"; exit 1; }
echo "backup-full-disk: ok (the backup failed cleanly, the shop served on, the database checks ok)"
