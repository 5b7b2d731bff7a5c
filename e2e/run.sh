#!/usr/bin/env bash
# Browser tests: a real headless Chromium driven by Selenium through the shop.
#
#   e2e/run.sh [BINARY]     # default: dist/booktime (scripts/release.sh builds it if missing)
#
# Installs Debian's chromium and chromium-driver and Selenium from PyPI when they are missing,
# then runs every e2e/*.py against its own server and fresh database. Screenshots of each step,
# at 1280 px and 390 px, go to e2e/screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium > /dev/null || ! command -v chromedriver > /dev/null; then
    echo "== installing chromium and chromium-driver"
    if [ "$(id -u)" = "0" ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver > /dev/null
fi
if ! python3 -c "import selenium" 2> /dev/null; then
    echo "== installing selenium"
    python3 -m pip install --quiet selenium 2> /dev/null || python3 -m pip install --quiet --break-system-packages selenium
fi

bin="${1:-}"
if [ -z "$bin" ]; then
    [ -x dist/booktime ] || scripts/release.sh > /dev/null
    bin="$(pwd)/dist/booktime"
fi
export BOOKTIME_E2E_BINARY="$bin"
mkdir -p e2e/screenshots
for script in e2e/*.py; do
    [ "$(basename "$script")" = "browser.py" ] && continue
    echo "== $script"
    python3 "$script" e2e/screenshots
done
