#!/bin/sh
# Make sure a Chromium the browser tests can launch is present.
# Playwright's own download does not work everywhere, so Debian's `chromium` package is the fallback;
# tests/browser support finds either. Fails loudly: browser tests must run, never skip.
set -eu

if ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium*-*/chrome-linux*/chrome >/dev/null 2>&1; then
    exit 0
fi
for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -x "$candidate" ] && exit 0
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null
    exit 0
fi
echo "No Chromium found for the browser tests. Install one: 'sudo apt-get install chromium'" \
     "or '.venv/bin/playwright install chromium'." >&2
exit 1
