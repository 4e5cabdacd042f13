"""The server process keeps what start-up built out of the garbage collector's full passes."""

from __future__ import annotations

import subprocess
import sys


def test_the_asgi_application_freezes_what_start_up_built():
    code = (
        "import gc; before = gc.get_freeze_count(); import council.asgi; "
        "print(before, gc.get_freeze_count())"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after = (int(value) for value in output)
    assert before == 0
    # The app registry, the models and the URL patterns: tens of thousands of objects.
    assert after > 50_000
