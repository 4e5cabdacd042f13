"""Reads of the mediation desk: receipt codes as typed and shown, what the desk may record
on, what it recorded, the counts by channel, and the public follow-up of a code (/suivi/).

The writes are deliberation.actions.mediation's.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import User
from deliberation.models import (
    AgendaItem,
    Contribution,
    ContributionChannel,
    Decision,
    Meeting,
    Proposal,
)
from deliberation.selectors.record import public_decisions

# Crockford's base32 without the characters read aloud or written by hand ambiguously:
# no 0/O, 1/I/L, nor U. Six of these give 729 million codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6
# Long enough to follow an item through its meeting and the college's answer.
CODE_VALIDITY = datetime.timedelta(days=365)


# --- Receipt codes -------------------------------------------------------------------------


def format_code(code: str) -> str:
    """K7M4QX → K7M-4QX: two groups of three, easier to read aloud."""
    return f"{code[:3]}-{code[3:]}"


def normalise_code(raw: Any) -> str | None:
    """The stored form of a typed code, or None when it cannot be one (any case, spaces
    and dashes allowed)."""
    if not isinstance(raw, str):
        return None
    code = re.sub(r"[\s\-.]", "", raw).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


# --- The desk and the follow-up ------------------------------------------------------------


def desk_targets(user: User) -> list[tuple[AgendaItem, list[Proposal]]]:
    """Items (with their draft proposals) the user may record contributions on."""
    items = (
        AgendaItem.objects.filter(is_public=True)
        .exclude(state=AgendaItem.State.CLOSED)
        .exclude(meeting__state=Meeting.State.CLOSED)
        .select_related("meeting__council")
        .order_by("meeting__start", "sort_order", "pk")
    )
    allowed = [item for item in items if user.has_perm("deliberation.record_contribution", item)]
    proposals: dict[int, list[Proposal]] = {}
    for proposal in Proposal.objects.filter(
        agenda_item__in=allowed, state=Proposal.State.DRAFT
    ).order_by("created", "pk"):
        proposals.setdefault(proposal.agenda_item_id, []).append(proposal)
    return [(item, proposals.get(item.pk, [])) for item in allowed]


def recent_contributions(user: User, limit: int = 20) -> QuerySet[Contribution]:
    """What the desk recorded lately in the councils the user staffs it for."""
    council_ids = {
        m.council_id
        for m in user.memberships.current().select_related("council")  # type: ignore[attr-defined]
        if user.has_perm("council.use_mediation_desk", m.council)
    }
    return (
        Contribution.objects.filter(agenda_item__meeting__council_id__in=council_ids)
        .select_related("agenda_item__meeting", "proposal", "recorded_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def contribution_for_slip(code: str) -> Contribution | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return (
        Contribution.objects.filter(receipt_code=normalised)
        .select_related("agenda_item__meeting__council", "proposal")
        .first()
    )


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    count: int


def _counts(counter: Counter[str]) -> list[ChannelCount]:
    return [
        ChannelCount(value, str(label), counter.get(value, 0))
        for value, label in ContributionChannel.choices
        if counter.get(value, 0)
    ]


@dataclass
class ItemContributions:
    item: AgendaItem
    total: int
    by_channel: list[ChannelCount]
    # (proposal, its count by channel)
    by_proposal: list[tuple[Proposal, list[ChannelCount], int]]
    published: list[Contribution]
    unpublished: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def item_contributions(item: AgendaItem) -> ItemContributions:
    """Counts by channel (every contribution, published or not) and the published ones.
    Three queries whatever the number of contributions."""
    rows = (
        Contribution.objects.filter(agenda_item=item)
        .values("channel", "proposal_id")
        .annotate(n=Count("pk"))
    )
    overall: Counter[str] = Counter()
    per_proposal: dict[int, Counter[str]] = {}
    for row in rows:
        overall[row["channel"]] += row["n"]
        if row["proposal_id"]:
            per_proposal.setdefault(row["proposal_id"], Counter())[row["channel"]] += row["n"]
    proposals = Proposal.objects.filter(pk__in=per_proposal).order_by("created", "pk")
    published = list(
        Contribution.objects.filter(agenda_item=item, consent_to_publish=True)
        .select_related("proposal")
        .order_by("received_on", "pk")
    )
    total = sum(overall.values())
    return ItemContributions(
        item=item,
        total=total,
        by_channel=_counts(overall),
        by_proposal=[
            (p, _counts(per_proposal[p.pk]), sum(per_proposal[p.pk].values())) for p in proposals
        ],
        published=published,
        unpublished=total - len(published),
    )


@dataclass(frozen=True)
class Followup:
    """What /suivi/ shows for a code: nothing the resident did not already know but the
    council's public record."""

    code: str
    channel_label: str
    received_on: datetime.date
    published: bool
    item: AgendaItem
    proposal: Proposal | None
    meeting: Meeting
    status: str
    discussed_on: datetime.date | None
    decisions: list[Decision]
    link: str | None


def _status(meeting: Meeting, item: AgendaItem) -> tuple[str, datetime.date | None]:
    day = timezone.localtime(meeting.start).date()
    if item.state == AgendaItem.State.CLOSED or meeting.state == Meeting.State.CLOSED:
        return _("Transmise au conseil et examinée en séance."), day
    if item.state == AgendaItem.State.OPEN:
        return _("Transmise au conseil ; le point est en cours d'examen en séance."), None
    if meeting.state == Meeting.State.DRAFT:
        return _("Transmise au conseil ; la date de la séance n'est pas encore fixée."), None
    return _("Transmise au conseil ; le point sera examiné en séance."), None


def followup(code: Any) -> Followup | None:
    """The follow-up for a typed code, or None when the code is malformed, unknown or
    expired (the page says the same thing for all three)."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    contribution = (
        Contribution.objects.filter(
            receipt_code=normalised, created_at__gte=timezone.now() - CODE_VALIDITY
        )
        .select_related("agenda_item__meeting", "proposal")
        .first()
    )
    if contribution is None:
        return None
    item = contribution.agenda_item
    meeting = item.meeting
    status, discussed_on = _status(meeting, item)
    # Only what the public archive shows: the item may have been switched to a closed
    # session after the contribution was recorded.
    decisions = list(
        public_decisions()
        .filter(agenda_item=item)
        .select_related("council")
        .filter(
            Q(ballot__proposal__isnull=True)
            | Q(ballot__proposal=contribution.proposal_id)
            | Q(ballot__amendment__proposal=contribution.proposal_id)
            if contribution.proposal_id
            else Q()
        )
    )
    link = (
        None
        if meeting.state == Meeting.State.DRAFT
        else reverse("deliberation:live", kwargs={"meeting_id": meeting.pk})
    )
    return Followup(
        code=format_code(contribution.receipt_code),
        channel_label=contribution.get_channel_display(),
        received_on=contribution.received_on,
        published=contribution.consent_to_publish,
        item=item,
        proposal=contribution.proposal,
        meeting=meeting,
        status=status,
        discussed_on=discussed_on,
        decisions=decisions,
        link=link,
    )
