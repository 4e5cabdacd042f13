"""A daphne process serving the test database, for tests that need a real server: the
browser tests' live server and the scale-out test's two processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # seconds: Django + Wagtail import slowly on a loaded 2-core machine


@dataclass
class Daphne:
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cache_dir(self) -> Path:
        return self.workdir / "cache"

    @property
    def mail_dir(self) -> Path:
        """What the server e-mails, one file per connection (filebased backend)."""
        return self.workdir / "mail"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def database_env() -> dict[str, str]:
    """Point a server at the test database pytest-django has created (a file on SQLite)."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": name}
    parts = urlsplit(os.environ["DATABASE_URL"])
    return {"DATABASE_URL": urlunsplit(parts._replace(path="/" + name))}


def start_daphne(workdir: Path, **extra_env: str) -> Daphne:
    """Start daphne with tests/browser/server_settings.py on the test database and wait
    until it answers. Its cache, mail and log live in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **database_env(),
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "BROWSER_TEST_CACHE_DIR": str(workdir / "cache"),
        "BROWSER_TEST_MAIL_DIR": str(workdir / "mail"),
        "DEBUG": "0",
        "PYTHONPATH": str(BASE_DIR),
        **extra_env,
    }
    env.pop("DJANGO_ENV", None)
    # The port is bound here and handed over as a file descriptor: no race for a free port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    log_path = workdir / "daphne.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "daphne", "--fd", str(listener.fileno()),
                "council.asgi:application",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )  # fmt: skip
    listener.close()
    server = Daphne(port, process, workdir, log_path)
    try:
        _wait_until_up(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_up(server: Daphne) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne exited with {server.process.returncode}:\n{server.log()}")
        try:
            # robots.txt needs neither the database content nor a session.
            with urllib.request.urlopen(server.url + "/robots.txt", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: it is up
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not answer within {START_TIMEOUT} s:\n{server.log()}")
