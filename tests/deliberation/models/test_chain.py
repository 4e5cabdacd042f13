"""The decisions' hash chain: numbering, database refusals, and detection of tampering done
in raw SQL by someone with rights on the database (who first disables the trigger)."""

from __future__ import annotations

import contextlib
import importlib
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from deliberation import actions, chain
from deliberation.models import Decision, ImmutableError

migration = importlib.import_module("deliberation.migrations.0005_decision_chain")

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(session):
    made = []
    for n in range(4):
        ballot = session.open_ballot(question=f"Question de procédure {n + 1} ?")
        made.append(actions.check_close_ballot(ballot.pk, acting_user=session.chair))
    return [Decision.objects.get(pk=d.pk) for d in made]


@contextlib.contextmanager
def trigger_off():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a superuser can: triggers off for this transaction only.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(f"DROP TRIGGER {migration.SQLITE_TRIGGER}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            migration.create_triggers(None, connection.schema_editor())


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_decisions")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_numbers_and_links(decisions, session, capsys):
    year = chain.decision_year(decisions[0].closed_at)
    assert [(d.year, d.number, d.position) for d in decisions] == [
        (year, n, n) for n in (1, 2, 3, 4)
    ]
    assert all(d.council_id == session.meeting.council_id for d in decisions)
    assert decisions[0].previous_hash == chain.GENESIS
    for before, after in itertools.pairwise(decisions):
        assert after.previous_hash == before.hash
        assert len(after.hash) == 64
    call_command("verify_decisions")
    out = capsys.readouterr().out
    assert "4 décision(s), chaîne intacte" in out
    assert decisions[-1].hash in out
    assert chain.head() == (4, decisions[-1].hash)


def test_audit_records_number_and_hash(decisions):
    from deliberation.models import AuditEntry

    entry = AuditEntry.objects.filter(action="ballot_closed").order_by("pk").last()
    assert entry is not None
    assert entry.data["decision"] == decisions[-1].reference
    assert entry.data["decision_hash"] == decisions[-1].hash


def test_model_and_queryset_refuse_changes(decisions):
    d = decisions[0]
    d.outcome = Decision.Outcome.REJECTED
    with pytest.raises(ImmutableError):
        d.save()
    with pytest.raises(ImmutableError):
        d.delete()
    with pytest.raises(ImmutableError):
        Decision.objects.filter(pk=d.pk).update(outcome="rejected")
    with pytest.raises(ImmutableError):
        Decision.objects.all().delete()


def test_database_refuses_raw_update(decisions):
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(
            "UPDATE deliberation_decision SET outcome = 'rejected' WHERE id = %s", [decisions[1].pk]
        )
    assert Decision.objects.get(pk=decisions[1].pk).outcome == decisions[1].outcome


@pytest.mark.postgres
def test_postgresql_refuses_raw_delete(decisions):
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM deliberation_decision WHERE id = %s", [decisions[1].pk])
    assert Decision.objects.filter(pk=decisions[1].pk).exists()


def test_detects_update(decisions):
    target = decisions[1]
    with trigger_off():
        sql(
            "UPDATE deliberation_decision SET question = 'Autre question' WHERE id = %s",
            [target.pk],
        )
    message = verify_fails()
    assert "modifiée" in message
    assert chain.label(target) in message


def test_detects_rehashed_update_at_the_next_link(decisions):
    # An attacker who also recomputes the altered row's hash breaks the next link instead.
    target = Decision.objects.get(pk=decisions[1].pk)
    target.question = "Autre question"
    with trigger_off():
        sql(
            "UPDATE deliberation_decision SET question = %s, hash = %s WHERE id = %s",
            [target.question, chain.compute_hash(target), target.pk],
        )
    message = verify_fails()
    assert chain.label(decisions[2]) in message


def test_detects_delete(decisions):
    with trigger_off():
        sql("DELETE FROM deliberation_decision WHERE id = %s", [decisions[1].pk])
    message = verify_fails()
    assert "supprimée" in message
    assert chain.label(decisions[2]) in message


def test_detects_delete_with_positions_closed_up(decisions):
    with trigger_off():
        sql("DELETE FROM deliberation_decision WHERE id = %s", [decisions[1].pk])
        for d in decisions[2:]:
            sql(
                "UPDATE deliberation_decision SET position = %s WHERE id = %s",
                [d.position - 1, d.pk],
            )
    message = verify_fails()
    assert "supprimée" in message
    assert chain.label(decisions[2]) in message


def test_detects_insert(decisions, session):
    # A well-formed row, correctly hashed onto decision 2, slipped in after it.
    spare = session.open_ballot(question="Scrutin jamais clos ?")
    forged = Decision.objects.get(pk=decisions[1].pk)
    forged.pk = None
    forged.ballot_id = spare.pk
    forged.number = 99
    forged.position = 3
    forged.question = "Décision inventée"
    forged.previous_hash = decisions[1].hash
    forged.hash = chain.compute_hash(forged)
    columns = [f.column for f in Decision._meta.concrete_fields if f.column != "id"]
    overrides = {
        "ballot_id": spare.pk,
        "number": 99,
        "position": 3,
        "question": forged.question,
        "previous_hash": forged.previous_hash,
        "hash": forged.hash,
    }
    select = ", ".join("%s" if c in overrides else c for c in columns)
    params = [overrides[c] for c in columns if c in overrides]
    with trigger_off():
        for d in reversed(decisions[2:]):
            sql(
                "UPDATE deliberation_decision SET position = %s WHERE id = %s",
                [d.position + 1, d.pk],
            )
        statement = (
            f"INSERT INTO deliberation_decision ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {select} FROM deliberation_decision WHERE id = %s"
        )
        sql(statement, [*params, decisions[1].pk])
    forged_id = Decision.objects.get(hash=forged.hash).pk
    message = verify_fails()
    assert "insérée" in message
    assert f"(id {forged_id})" in message


def test_detects_swap(decisions):
    second, third = decisions[1], decisions[2]
    with trigger_off():
        sql("UPDATE deliberation_decision SET position = 999 WHERE id = %s", [second.pk])
        sql(
            "UPDATE deliberation_decision SET position = %s WHERE id = %s",
            [second.position, third.pk],
        )
        sql(
            "UPDATE deliberation_decision SET position = %s WHERE id = %s",
            [third.position, second.pk],
        )
    message = verify_fails()
    assert "déplacée" in message
    assert chain.label(third) in message


def test_empty_chain_holds(db, capsys):
    call_command("verify_decisions")
    assert "0 décision(s), chaîne intacte" in capsys.readouterr().out
    assert chain.head() == (0, chain.GENESIS)
