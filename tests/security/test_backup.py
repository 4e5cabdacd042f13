"""Backups (docs/backup.md): a pg_dump of a database holding decisions, restored into a
fresh database, passes verify_decisions there; the same copy with one decision altered
behind the application's back fails it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _pg_env() -> dict[str, str]:
    """Connection settings of the PostgreSQL server DATABASE_URL points to."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432)}
    env["PGUSER"] = parts.username or "postgres"
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=_pg_env(), capture_output=True, text=True, timeout=120, check=True
    )


def _verify(database: str) -> subprocess.CompletedProcess[str]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + database))
    return subprocess.run(
        [sys.executable, "manage.py", "verify_decisions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _seed_decisions() -> int:
    """Three decisions taken the way a session takes them."""
    from deliberation import actions
    from deliberation.models import Decision
    from tests.deliberation.conftest import People, Session
    from tests.factories import make_council

    people = People(make_council())
    meeting = actions.do_create_meeting(
        people.council,
        title="Séance",
        start=timezone.now(),
        place="Salle du conseil",
        items=[("Procès-verbal", "minutes_approval"), ("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    session = Session(people, meeting)
    for question in ("Reporter le point ?", "Entendre un expert ?", "Clore le débat ?"):
        ballot = session.open_ballot(question=question)
        actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    return Decision.objects.count()


@pytest.fixture
def restored_copy():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    _run("dropdb", "--if-exists", name)


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="PostgreSQL client tools missing")
def test_a_restored_dump_passes_verify_decisions_and_an_altered_one_fails(
    restored_copy, tmp_path, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert _seed_decisions() == 3
    source = str(connection.settings_dict["NAME"])
    dump = tmp_path / "conseil.dump"

    # What docs/backup.md tells the IT department to run.
    _run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    _run("createdb", restored_copy)
    _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_copy}", str(dump))

    intact = _verify(restored_copy)
    assert intact.returncode == 0, intact.stderr
    assert "3 décision(s), chaîne intacte" in intact.stdout

    # The restored trigger still refuses the change…
    refused = subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", "-d", restored_copy, "-c",
         "UPDATE deliberation_decision SET question = 'Autre question ?'"],
        env=_pg_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode != 0
    # …so the forger acts as the database owner would: trigger off, one row rewritten.
    _run(
        "psql", "-v", "ON_ERROR_STOP=1", "-d", restored_copy, "-c",
        "ALTER TABLE deliberation_decision DISABLE TRIGGER USER; "
        "UPDATE deliberation_decision SET question = 'Question réécrite ?' "
        "WHERE id = (SELECT id FROM deliberation_decision ORDER BY id LIMIT 1 OFFSET 1);",
    )  # fmt: skip
    altered = _verify(restored_copy)
    assert altered.returncode == 1
    assert altered.stderr.strip(), "verify_decisions must say which decision broke the chain"
