#!/bin/sh
# Make sure a Chromium the auditor can launch is present (the browser tests, and the demo's X profile).
# Playwright's own download does not work everywhere, so Debian's `chromium` package is the fallback;
# auditor/net/browser.py and tests/browser.py find either.
#
#   sh scripts/ensure-chromium.sh           fails loudly when none can be set up: browser tests must run, never skip
#   sh scripts/ensure-chromium.sh --demo    says in one line what to install and succeeds: the demo runs without it
#
# CHROMIUM_CANDIDATES (default: Debian's paths) lists the system binaries looked for, so the "none found" path
# can be tried on a machine that has one.
set -eu

for_demo=no
[ "${1:-}" = "--demo" ] && for_demo=yes

if ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium*-*/chrome-linux*/chrome >/dev/null 2>&1; then
    exit 0
fi
for candidate in ${CHROMIUM_CANDIDATES-/usr/bin/chromium /usr/bin/chromium-browser}; do
    [ -x "$candidate" ] && exit 0
done
if [ -n "${AUDITOR_CHROMIUM:-}" ] && [ -x "$AUDITOR_CHROMIUM" ]; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium (pages that need JavaScript are rendered in it)..."
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null
    exit 0
fi
if [ "$for_demo" = yes ]; then
    echo "No Chromium found: the demo will show the X profile as unverifiable. For the full demo, install one" \
         "('sudo apt-get install chromium' or '.venv/bin/playwright install chromium') and run 'make demo' again." >&2
    exit 0
fi
echo "No Chromium found for the browser tests. Install one: 'sudo apt-get install chromium'" \
     "or '.venv/bin/playwright install chromium'." >&2
exit 1
