"""Tests against the production topology (tests/prod/topology.py): nginx in front of two
daphne processes with production settings, on PostgreSQL and Redis.

`make test-prod` starts the topology, runs these tests with PROD_LOCAL_STATE pointing to
its state file, and stops it. They talk to it over the network only: HTTP(S), WebSockets,
and management commands run in the topology's own environment.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.prod.topology import ROOT, ssl_context


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.prod)


@dataclass
class Prod:
    state_path: Path

    @property
    def state(self) -> dict:
        # Re-read each time: a restarted daphne has a new pid.
        return json.loads(self.state_path.read_text())

    @property
    def url(self) -> str:
        return self.state["url"]

    @property
    def ssl(self) -> ssl.SSLContext:
        return ssl_context(Path(self.state["workdir"]))

    @property
    def env(self) -> dict[str, str]:
        """The environment the daphne processes run with (settings, database, Redis)."""
        return {**os.environ, **self.state["env"], "PYTHONPATH": str(ROOT)}

    def python(self, code: str, timeout: float = 120) -> str:
        """Run Python in the topology's environment (Django set up) and return its output."""
        prelude = "import django; django.setup()\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"python failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def log(self, name: str) -> str:
        path = Path(self.state["workdir"]) / name
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""


@pytest.fixture(scope="session")
def prod() -> Prod:
    path = os.environ.get("PROD_LOCAL_STATE")
    if not path or not Path(path).exists():
        pytest.fail(
            "The production topology is not running: run these tests with `make test-prod` "
            "(python -m tests.prod.topology run -- pytest -m prod tests/prod)."
        )
    return Prod(Path(path))
