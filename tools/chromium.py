"""Where the kit finds Chromium, and the flags it starts it with: one place for the tools and the browser tests.

Used by tools/handouts.py and tools/slides.py (printing and checking pages) and by tests/browser/lab.py (JupyterLab
in a real browser). Debian's ``chromium`` package is the one expected; KIT_CHROMIUM names another binary.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# As root and on a closed network, Chromium needs these to start quietly (no sandbox, no background fetches).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def find_chromium() -> str | None:
    """Return the path of a Chromium binary (KIT_CHROMIUM first), or None."""
    env = os.environ.get("KIT_CHROMIUM")
    if env and Path(env).exists():
        return env
    for c in CHROMIUM_CANDIDATES:
        if Path(c).exists():
            return c
    return shutil.which("chromium")
