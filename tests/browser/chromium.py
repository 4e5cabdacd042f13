"""How the tests start Chromium, without Django: the browser tests, the production
topology's tests and the benchmarks share it."""

from __future__ import annotations

import os

# Debian's Chromium: `playwright install` cannot download browsers on these machines.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's services, which
# on a closed network only fills the logs with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
