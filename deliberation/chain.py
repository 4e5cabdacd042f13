"""The decisions' hash chain: numbering, hashing and verification.

Every decision carries its place in one chain (`position`), a number per council and year,
the hash of the decision before it and its own hash: a SHA-256 over a canonical JSON of its
content and that previous hash. Changing, removing, inserting or reordering a decision in the
database breaks the chain at that point; `verify` names the first decision where it breaks.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.models.record import Decision

GENESIS = "0" * 64
# Any fixed key: it only has to be the same for every process that closes a ballot.
ADVISORY_LOCK_KEY = 0x0DEC1510

# What the hash covers; the rest of a row (created_at, the hash itself) is bookkeeping.
# The position is left out: the previous hash fixes the order, so a row moved in the table
# shows up as a broken link rather than as an altered row.
HASHED_FIELDS = (
    "council_id",
    "year",
    "number",
    "ballot_id",
    "meeting_id",
    "agenda_item_id",
    "outcome",
    "subject",
    "question",
    "secrecy",
    "rule",
    "tally",
    "quorum",
    "named_votes",
    "text_voted",
    "amendments_applied",
    "resulting_version_id",
    "opened_at",
    "closed_at",
    "closed_by_id",
    "previous_hash",
)


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def canonical_json(decision: Any) -> str:
    """The decision's hashed content as one byte-stable string (sorted keys, no spaces)."""
    content = {name: _normalise(getattr(decision, name)) for name in HASHED_FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(decision: Any) -> str:
    return hashlib.sha256(canonical_json(decision).encode()).hexdigest()


def lock_chain() -> None:
    """Serialise chain appends until the transaction ends, so two closes cannot fork it.

    PostgreSQL: a transaction-scoped advisory lock. SQLite allows one writer at a time; the
    unique constraint on `position` refuses a fork whatever the backend."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def decision_year(closed_at: datetime.datetime) -> int:
    return timezone.localtime(closed_at).year


def link(decision: Any, model: Any) -> None:
    """Fill in the chain fields of a decision about to be created. Call under lock_chain()."""
    last = model.objects.order_by("-position").only("position", "hash").first()
    decision.position = (last.position + 1) if last else 1
    decision.previous_hash = last.hash if last else GENESIS
    decision.year = decision_year(decision.closed_at)
    numbers = model.objects.filter(council_id=decision.council_id, year=decision.year)
    decision.number = (
        numbers.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    decision.hash = compute_hash(decision)


@dataclasses.dataclass(frozen=True)
class Break:
    """Where the chain stops holding, and why."""

    kind: str  # altered | removed | inserted | reordered
    position: int
    decision_id: int | None
    label: str

    @property
    def message(self) -> str:
        messages = {
            "altered": _("Décision %(label)s (position %(position)s) modifiée après coup."),
            "removed": _(
                "Décision supprimée juste avant %(label)s (position %(position)s) : "
                "la chaîne y est rompue."
            ),
            "inserted": _("Décision %(label)s (position %(position)s) insérée dans la chaîne."),
            "reordered": _(
                "Décision %(label)s (position %(position)s) déplacée : l'ordre de la chaîne "
                "a été changé."
            ),
        }
        return messages[self.kind] % {"label": self.label, "position": self.position}


@dataclasses.dataclass(frozen=True)
class Verification:
    count: int
    head: str
    problem: Break | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def label(decision: Any) -> str:
    return f"n° {decision.number}/{decision.year} (id {decision.pk})"


def verify(decisions: Iterable[Any]) -> Verification:
    """Walk the chain in position order; report the first decision where it breaks.

    `decisions` must be ordered by position. A row whose own hash no longer matches its
    content was altered. A row whose previous_hash points two rows back follows an inserted
    row; one that points elsewhere in the chain was moved; one that points nowhere, or a gap
    in positions or in a council's yearly numbers, follows a removed decision.
    """
    rows = list(decisions)
    head_hash = rows[-1].hash if rows else GENESIS
    hashes = {row.hash: i for i, row in enumerate(rows)}

    def found(kind: str, row: Any) -> Verification:
        return Verification(len(rows), head_hash, Break(kind, row.position, row.pk, label(row)))

    previous = GENESIS
    for i, row in enumerate(rows):
        if compute_hash(row) != row.hash:
            return found("altered", row)
        if row.previous_hash != previous:
            pointed = hashes.get(row.previous_hash)
            if pointed is not None and pointed == i - 2:
                return found("inserted", rows[i - 1])
            if pointed is not None or row.previous_hash == GENESIS:
                return found("reordered", row)
            return found("removed", row)
        previous = row.hash
    # The links hold; gaps left by a removal whose neighbours were rehashed still show in
    # the positions and in a council's yearly numbers.
    numbers: dict[tuple[int, int], int] = {}
    for i, row in enumerate(rows):
        key = (row.council_id, row.year)
        if row.position != i + 1 or row.number != numbers.get(key, 0) + 1:
            return found("removed", row)
        numbers[key] = row.number
    return Verification(len(rows), head_hash, None)


def head() -> tuple[int, str]:
    """How many decisions the chain holds and its latest hash (GENESIS when empty)."""
    count, hash_, _when = head_dated()
    return count, hash_


def head_dated() -> tuple[int, str, datetime.datetime | None]:
    """The head, with when its decision was recorded (None when the chain is empty)."""
    last = (
        Decision.objects.order_by("-position").values_list("position", "hash", "closed_at").first()
    )
    return last if last else (0, GENESIS, None)


def verify_database() -> Verification:
    return verify(Decision.objects.order_by("position").iterator(chunk_size=2000))
