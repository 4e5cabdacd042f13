"""What the OParl API publishes: each type's public records, and how a page of them
becomes OParl objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from wagtail.documents import get_document_model

from cms.models.recommendations import RecommendationPage
from cms.oparl import serializers as s
from cms.oparl.paging import Source
from council.models import Council, Membership, Role, User
from deliberation.models import AgendaItem, Decision, Meeting, Proposal, ProposalVersion

# --- What is public ----------------------------------------------------------------------


def meetings() -> QuerySet[Meeting]:
    # A meeting in preparation is not announced yet.
    return Meeting.objects.exclude(state=Meeting.State.DRAFT)


def item_prefetches(prefix: str = "") -> list[Any]:
    return [
        Prefetch(prefix + "decisions", Decision.objects.order_by("closed_at", "pk")),
        Prefetch(prefix + "proposals", Proposal.objects.order_by("pk")),
        prefix + "documents",
    ]


def agenda_items() -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(meeting__in=meetings())
        .select_related("meeting")
        .prefetch_related(*item_prefetches())
    )


def proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(agenda_item__is_public=True, agenda_item__meeting__in=meetings())
        .select_related("agenda_item__meeting")
        .annotate(last_version=Max("versions__created_at"))
        .prefetch_related(
            "authors", Prefetch("versions", ProposalVersion.objects.order_by("number"))
        )
    )


def recommendations() -> QuerySet[RecommendationPage]:
    # Published once: live ones, and withdrawn ones announced as deleted.
    return (
        RecommendationPage.objects.filter(
            first_published_at__isnull=False, locale__language_code=settings.LANGUAGE_CODE
        )
        .public()
        .select_related("decision__ballot")
    )


def document_links(document_ids: list[int] | None = None) -> dict[int, list[tuple[int, int]]]:
    through = AgendaItem.documents.through
    rows = through.objects.filter(agendaitem__is_public=True, agendaitem__meeting__in=meetings())
    if document_ids is not None:
        rows = rows.filter(document_id__in=document_ids)
    links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, item_id, meeting_id in rows.values_list(
        "document_id", "agendaitem_id", "agendaitem__meeting_id"
    ).order_by("agendaitem_id"):
        links[doc_id].append((item_id, meeting_id))
    return links


def with_organ(mandates: QuerySet[Membership]) -> QuerySet[Membership]:
    """Each mandate with `organ_id`: the first delegate mandate in the same body, which
    names that body's Organization (meaningful for delegates only)."""
    first = (
        Membership.objects.filter(role=Role.DELEGATE, body=OuterRef("body"))
        .order_by("pk")
        .values("pk")[:1]
    )
    return mandates.annotate(organ_id=Subquery(first))


def memberships() -> QuerySet[Membership]:
    return with_organ(Membership.objects.all())


def organs() -> QuerySet[Membership]:
    """The bodies councils seat delegates in, one row each: its first delegate mandate."""
    return with_organ(Membership.objects.filter(role=Role.DELEGATE).exclude(body="")).filter(
        pk=F("organ_id")
    )


def build_organs(ctx: s.Context, firsts: list[Membership]) -> list[dict]:
    mandates: dict[str, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(
        role=Role.DELEGATE, body__in=[f.body for f in firsts]
    ).order_by("start", "pk"):
        mandates[m.body].append(m)
    return [s.organ(ctx, f, mandates[f.body]) for f in firsts]


def persons() -> QuerySet[User]:
    return (
        User.objects.filter(pk__in=Membership.objects.values("user_id"))
        .prefetch_related(Prefetch("memberships", memberships().order_by("start", "pk")))
        .order_by("pk")
    )


def term_years() -> list[int]:
    """The legislatures in which the council met or someone held a mandate."""
    days = list(Membership.objects.values_list("start", flat=True).distinct())
    days += [timezone.localdate(d) for d in meetings().values_list("start", flat=True)]
    return sorted({s.term_start_year(d) for d in days})


def add_vote_lookups(ctx: s.Context, decisions: list[Decision]) -> None:
    ids: set[int] = set()
    for d in decisions:
        for v in d.named_votes or ():
            ids.add(v["membership"])
            if v.get("proxy_for"):
                ids.add(v["proxy_for"])
    if ids:
        ctx.membership_user.update(
            Membership.objects.filter(pk__in=ids).values_list("pk", "user_id")
        )


def add_person_ids(ctx: s.Context, proposals: list[Proposal]) -> None:
    authors = {a.pk for p in proposals for a in p.authors.all()}
    if authors:
        ctx.person_ids.update(
            Membership.objects.filter(user_id__in=authors).values_list("user_id", flat=True)
        )


# --- Filters and pagination --------------------------------------------------------------


def meeting_qs() -> QuerySet[Meeting]:
    return meetings().prefetch_related(
        Prefetch(
            "agenda_items",
            AgendaItem.objects.order_by("sort_order", "pk").prefetch_related(*item_prefetches()),
        )
    )


def build_meetings(ctx: s.Context, meetings: list[Meeting]) -> list[dict]:
    add_vote_lookups(
        ctx, [d for m in meetings for i in m.agenda_items.all() for d in i.decisions.all()]
    )
    return [s.meeting(ctx, m) for m in meetings]


def build_items(ctx: s.Context, items: list[AgendaItem]) -> list[dict]:
    add_vote_lookups(ctx, [d for i in items for d in i.decisions.all()])
    return [s.agenda_item(ctx, i) for i in items]


def build_proposals(ctx: s.Context, proposals: list[Proposal]) -> list[dict]:
    add_person_ids(ctx, proposals)
    return [s.proposal_paper(ctx, p) for p in proposals]


def build_files(ctx: s.Context, documents: list[Any]) -> list[dict]:
    links = document_links([d.pk for d in documents])
    return [s.file(ctx, d, links.get(d.pk, [])) for d in documents]


def public_documents() -> QuerySet[Any]:
    through = AgendaItem.documents.through
    ids = through.objects.filter(
        agendaitem__is_public=True, agendaitem__meeting__in=meetings()
    ).values("document_id")
    return get_document_model().objects.filter(pk__in=ids)


@dataclass(frozen=True)
class Kind:
    sources: list[Source]
    builders: list[Callable[[s.Context, list[Any]], list[dict]]]


def each(fn: Callable[[s.Context, Any], dict]) -> Callable[[s.Context, list[Any]], list[dict]]:
    return lambda ctx, objs: [fn(ctx, o) for o in objs]


KINDS: dict[str, Kind] = {
    # Councils first (an organization's id is the council's pk), then the bodies they
    # delegate to ("organ-…").
    "organization": Kind(
        [
            Source(lambda: Council.objects.prefetch_related("memberships"), None, None),
            Source(organs, None, None),
        ],
        [each(s.organization), build_organs],
    ),
    "person": Kind([Source(persons, "date_joined", "date_joined")], [each(s.person)]),
    "membership": Kind([Source(memberships, None, None)], [each(s.membership)]),
    "meeting": Kind([Source(meeting_qs, "created", "updated")], [build_meetings]),
    "agendaItem": Kind(
        [Source(agenda_items, "meeting__created", "meeting__updated")], [build_items]
    ),
    "paper": Kind(
        [
            Source(proposals, "created", "last_version"),
            Source(recommendations, "first_published_at", "last_published_at"),
        ],
        [build_proposals, each(s.recommendation_paper)],
    ),
    "consultation": Kind([Source(proposals, "created", "created")], [each(s.consultation)]),
    "file": Kind([Source(public_documents, "created_at", "created_at")], [build_files]),
    "location": Kind(
        [Source(lambda: meetings().exclude(place=""), "created", "updated")],
        [each(s.location)],
    ),
}
