"""The archive's full-text index (cms.DecisionSearch), PostgreSQL only.

Searching a French tsvector computed on the fly over every decision costs seconds at 50,000
decisions; a stored one under a GIN index answers in milliseconds. Decisions are immutable,
so each is indexed once, just after the transaction of the ballot that recorded it commits
(a subscriber of deliberation.events.DecisionRecorded): an index that fails is logged and
cannot undo the close. Each indexing inserts every decision not yet indexed, so the next
decision catches up with any one missed, whether its indexing failed or the process died
between the commit and the subscriber. To rebuild without waiting for a decision (no command
exists for it): `manage.py shell -c "from cms.search_index import index_decisions;
index_decisions()"`, which indexes every decision missing from the index."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

INDEX_NAME = "cms_decisionsearch_document_gin"


def _sql(search_table: str, only_some: bool) -> str:
    where = "AND d.id = ANY(%s)" if only_some else ""
    return f"""
        INSERT INTO {search_table} (decision_id, document)
        SELECT d.id, to_tsvector(
            'french'::regconfig,
            coalesce(d.question, '') || ' ' || coalesce(a.title, '') || ' ' || coalesce(m.title, '')
        )
        FROM deliberation_decision d
        JOIN deliberation_agendaitem a ON a.id = d.agenda_item_id
        JOIN deliberation_meeting m ON m.id = d.meeting_id
        WHERE NOT EXISTS (SELECT 1 FROM {search_table} s WHERE s.decision_id = d.id) {where}
    """  # noqa: S608 — table names are the models' own, values are parameters


def index_decisions(decision_ids: Iterable[int] | None = None, *, using=connection) -> None:
    """Index the given decisions (or every one not yet indexed)."""
    if using.vendor != "postgresql":
        return
    ids = list(decision_ids) if decision_ids is not None else None
    if ids == []:
        return
    with using.cursor() as cursor:
        cursor.execute(_sql("cms_decisionsearch", ids is not None), [ids] if ids else [])


def create_index(using=connection) -> None:
    if using.vendor != "postgresql":
        return
    with using.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON cms_decisionsearch USING gin (document)"
        )


def index_recorded_decision(group, event) -> None:
    """Index the recorded decision and any missed before (the dispatcher logs a failure;
    the next decision's indexing retries)."""
    index_decisions()
