"""Reads of public consultations: their state, who may comment, the public list and page,
and the secretariat's moderation queue. Each runs a fixed number of queries whatever the
number of comments.

The writes are deliberation.actions.consultations'.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import rules
from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import User
from deliberation.models import (
    Comment,
    CommentFlag,
    Consultation,
    Contribution,
    ContributionChannel,
    Meeting,
    ProposalVersion,
)
from deliberation.selectors.mediation import ChannelCount

Status = Comment.Status
State = Literal["upcoming", "open", "closed"]


def state_of(consultation: Consultation, now: datetime.datetime | None = None) -> State:
    now = now or timezone.now()
    if now < consultation.start:
        return "upcoming"
    if now >= consultation.end:
        return "closed"
    return "open"


def has_verified_account(user: Any) -> bool:
    """A confirmed e-mail address, or, for an account without one, a login letter redeemed:
    the secretariat sent it by post, which vouches for the person as well as a confirmation link."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.email is None:
        return bool(user.has_usable_password() and user.login_letters.exists())
    return bool(EmailAddress.objects.filter(user=user, verified=True).exists())


def public_name(user: User) -> str:
    """Residents show their name, never their e-mail address."""
    return user.get_full_name() or _("Habitant·e")


def public_consultations() -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(agenda_item__is_public=True)
        .select_related("agenda_item__meeting", "proposal")
        .annotate(published_comments=Count("comments", filter=Q(comments__status=Status.PUBLISHED)))
        .order_by("-end", "-pk")
    )


@dataclass
class ConsultationList:
    open: list[Consultation]
    upcoming: list[Consultation]
    closed: list[Consultation]
    updated: datetime.datetime | None = None


def consultation_list() -> ConsultationList:
    """Every public consultation, split by state; one query."""
    now = timezone.now()
    grouped: dict[str, list[Consultation]] = {"open": [], "upcoming": [], "closed": []}
    updated = None
    for consultation in public_consultations():
        consultation.state = state_of(consultation, now)  # type: ignore[attr-defined]
        grouped[consultation.state].append(consultation)  # type: ignore[attr-defined]
        updated = max(updated or consultation.updated, consultation.updated)
    grouped["upcoming"].sort(key=lambda c: c.start)
    return ConsultationList(**grouped, updated=updated)


def get_public_consultation(consultation_id: int) -> Consultation | None:
    return (
        Consultation.objects.filter(pk=consultation_id, agenda_item__is_public=True)
        .select_related("agenda_item__meeting__council", "proposal")
        .first()
    )


@dataclass
class ConsultationPage:
    consultation: Consultation
    state: State
    summary: str
    paragraphs: list[str]
    comments: list[Comment]
    by_channel: list[ChannelCount]
    total: int
    contributions: list[Contribution]
    updated: datetime.datetime


def _visible(user: Any) -> Q:
    shown = Q(status__in=(Status.PUBLISHED, Status.HIDDEN))
    if getattr(user, "is_authenticated", False):
        # Authors see their own comments while they wait for the moderation.
        shown |= Q(author_id=user.pk)
    return shown


def consultation_page(consultation: Consultation, user: Any) -> ConsultationPage:
    """What the public page shows. Four queries whatever the number of comments."""
    visible = _visible(user)
    replies = Comment.objects.filter(visible).select_related("author").order_by("created", "pk")
    comments: list[Comment] = list(
        Comment.objects.filter(visible, consultation=consultation, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="thread"))
        .order_by("created", "pk")
    )
    online = 0
    dates = [consultation.updated]
    for comment in comments:
        for c in (comment, *comment.thread):  # type: ignore[attr-defined]
            c.display_name = public_name(c.author)  # type: ignore[attr-defined]
            online += c.status == Status.PUBLISHED
            dates.extend(d for d in (c.created, c.moderated_at) if d)
    proposal = consultation.proposal
    if proposal is not None:
        version = ProposalVersion.objects.filter(proposal=proposal).order_by("-number").first()
        paragraphs = list(version.paragraphs) if version else []
        contributions_filter = Q(proposal=proposal)
        summary = proposal.summary or consultation.introduction
    else:
        description = consultation.agenda_item.description
        paragraphs = [p for p in description.replace("\r\n", "\n").split("\n\n") if p.strip()]
        contributions_filter = Q(agenda_item=consultation.agenda_item)
        summary = consultation.introduction
    # Only what residents agreed to publish is counted here, beside the online comments.
    contributions = list(
        Contribution.objects.filter(contributions_filter, consent_to_publish=True).order_by(
            "received_on", "pk"
        )
    )
    counter: Counter[str] = Counter(c.channel for c in contributions)
    by_channel = [ChannelCount("online", _("en ligne"), online)] if online else []
    by_channel += [
        ChannelCount(value, str(label), counter[value])
        for value, label in ContributionChannel.choices
        if counter[value]
    ]
    return ConsultationPage(
        consultation=consultation,
        state=state_of(consultation),
        summary=summary,
        paragraphs=paragraphs,
        comments=comments,
        by_channel=by_channel,
        total=online + len(contributions),
        contributions=contributions,
        updated=max(dates),
    )


def moderation_queue(user: User) -> tuple[list[Comment], list[Comment]]:
    """(pending comments, published comments with open flags) in the consultations of the
    councils the user moderates."""
    staffed = [
        m.council_id
        for m in user.memberships.current()  # type: ignore[attr-defined]
        if rules.has_perm(
            # An unsaved meeting of that council: the meeting rules answer for the council.
            "deliberation.moderate_comment",
            user,
            Meeting(council_id=m.council_id),
        )
    ]
    base = (
        Comment.objects.filter(
            consultation__isnull=False,
            consultation__agenda_item__meeting__council_id__in=staffed,
        )
        .select_related("author", "consultation__agenda_item__meeting", "parent")
        .order_by("created", "pk")
    )
    pending = list(base.filter(status=Status.PENDING))
    flagged: list[Comment] = list(
        # Exists, not a join filter: through a LEFT JOIN, "no unresolved flag" would also
        # match the comments that were never flagged.
        base.filter(
            Exists(CommentFlag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)),
            status=Status.PUBLISHED,
        ).prefetch_related(
            Prefetch(
                "flags",
                queryset=CommentFlag.objects.filter(resolved_at__isnull=True).order_by("created"),
                to_attr="open_flags",
            )
        )
    )
    for comment in (*pending, *flagged):
        comment.display_name = public_name(comment.author)  # type: ignore[attr-defined]
    return pending, flagged
