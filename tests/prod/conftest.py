"""Tests against the production topology (tests/prod/topology.py): nginx in front of two
daphne processes with production settings, on PostgreSQL and Redis.

`make test-prod` starts the topology, runs these tests with PROD_LOCAL_STATE pointing to
its state file, and stops it. They talk to it over the network only: HTTP(S), WebSockets,
and management commands run in the topology's own environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.prod.topology import Running


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.prod)


@pytest.fixture(scope="session")
def prod() -> Running:
    running = Running.from_environment()
    if running is None:
        pytest.fail(
            "The production topology is not running: run these tests with `make test-prod` "
            "(python -m tests.prod.topology run -- pytest -m prod tests/prod)."
        )
    return running
