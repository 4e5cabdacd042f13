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


def test_requests_and_sockets_share_the_processs_cache_client():
    """Under ASGI each request and socket runs in a task of its own: without the process's
    client, each made one (with Redis, a connection each)."""
    code = (
        "import asyncio; import council.asgi; from asgiref.sync import sync_to_async; "
        "from django.core.cache import caches\n"
        "async def one(): return await sync_to_async(lambda: id(caches['default']))()\n"
        "async def many(): return await asyncio.gather(*(one() for _ in range(5)))\n"
        "print(len(set(asyncio.run(many()))))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.split() == ["1"]
