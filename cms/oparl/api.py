"""The OParl views: one object, or one page of a list, as JSON; never a 500 for bad input."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from wagtail.documents import get_document_model

from cms.models import RecommendationPage
from council.models import Council, Membership, User
from deliberation.models import AgendaItem, Decision, Meeting, Proposal, ProposalVersion

from . import serializers as s

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"type": "error", "status": status, "message": message},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _json(data: Any) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def api_view(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """Read-only (GET/HEAD, else 405), no CSRF (nothing is written), errors as JSON."""

    @csrf_exempt
    @require_safe
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return view(request, *args, **kwargs)
        except ApiError as e:
            return error(e.status, e.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _context(request: HttpRequest) -> s.Context:
    return s.Context(absolute=request.build_absolute_uri, request=request)


# --- What is public ----------------------------------------------------------------------


def _meetings() -> QuerySet[Meeting]:
    # A meeting in preparation is not announced yet.
    return Meeting.objects.exclude(state=Meeting.State.DRAFT)


def _item_prefetches(prefix: str = "") -> list[Any]:
    return [
        Prefetch(prefix + "decisions", Decision.objects.order_by("closed_at", "pk")),
        Prefetch(prefix + "proposals", Proposal.objects.order_by("pk")),
        prefix + "documents",
    ]


def _agenda_items() -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(meeting__in=_meetings())
        .select_related("meeting")
        .prefetch_related(*_item_prefetches())
    )


def _proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(agenda_item__is_public=True, agenda_item__meeting__in=_meetings())
        .select_related("agenda_item__meeting")
        .annotate(last_version=Max("versions__created_at"))
        .prefetch_related(
            "authors", Prefetch("versions", ProposalVersion.objects.order_by("number"))
        )
    )


def _recommendations() -> QuerySet[RecommendationPage]:
    # Published once: live ones, and withdrawn ones announced as deleted.
    return (
        RecommendationPage.objects.filter(
            first_published_at__isnull=False, locale__language_code=settings.LANGUAGE_CODE
        )
        .public()
        .select_related("decision__ballot")
    )


def _document_links(document_ids: list[int] | None = None) -> dict[int, list[tuple[int, int]]]:
    through = AgendaItem.documents.through
    rows = through.objects.filter(agendaitem__is_public=True, agendaitem__meeting__in=_meetings())
    if document_ids is not None:
        rows = rows.filter(document_id__in=document_ids)
    links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, item_id, meeting_id in rows.values_list(
        "document_id", "agendaitem_id", "agendaitem__meeting_id"
    ).order_by("agendaitem_id"):
        links[doc_id].append((item_id, meeting_id))
    return links


def _persons() -> QuerySet[User]:
    return (
        User.objects.filter(pk__in=Membership.objects.values("user_id"))
        .prefetch_related(Prefetch("memberships", Membership.objects.order_by("start", "pk")))
        .order_by("pk")
    )


def _term_years() -> list[int]:
    """The legislatures in which the council met or someone held a mandate."""
    days = list(Membership.objects.values_list("start", flat=True).distinct())
    days += [timezone.localdate(d) for d in _meetings().values_list("start", flat=True)]
    return sorted({s.term_start_year(d) for d in days})


def _add_vote_lookups(ctx: s.Context, decisions: list[Decision]) -> None:
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


def _add_person_ids(ctx: s.Context, proposals: list[Proposal]) -> None:
    authors = {a.pk for p in proposals for a in p.authors.all()}
    if authors:
        ctx.person_ids.update(
            Membership.objects.filter(user_id__in=authors).values_list("user_id", flat=True)
        )


# --- Filters and pagination --------------------------------------------------------------


def _parse_when(request: HttpRequest, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    # An unencoded "+" of a UTC offset arrives as a space.
    raw = raw.strip().replace(" ", "+")
    try:
        value = parse_datetime(raw)
        if value is None:
            raise ValueError
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
    except ValueError:
        raise ApiError(
            400,
            _(
                "Le paramètre %(name)s doit être une date et heure ISO 8601, "
                "par exemple 2025-01-31T18:00:00+01:00."
            )
            % {"name": name},
        ) from None
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        # A valid instant whose offset runs past the calendar's end: the end is meant.
        edge = datetime.datetime.min if value.year < 2 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


def _parse_int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError(
            400,
            _("Le paramètre %(name)s doit être un entier entre %(low)s et %(high)s.")
            % {"name": name, "low": low, "high": high},
        )
    return value


@dataclass(frozen=True)
class Window:
    created_since: datetime.datetime | None
    created_until: datetime.datetime | None
    modified_since: datetime.datetime | None
    modified_until: datetime.datetime | None

    def q(self, created: str | None, modified: str | None) -> Q:
        q = Q()
        for field, since, until in (
            (created, self.created_since, self.created_until),
            (modified, self.modified_since, self.modified_until),
        ):
            # A record without this timestamp cannot be ruled out, so it stays in the list.
            if field is None:
                continue
            if since is not None:
                q &= Q(**{f"{field}__gte": since})
            if until is not None:
                q &= Q(**{f"{field}__lte": until})
        return q


@dataclass(frozen=True)
class Source:
    """One kind of record listed under a type: its public queryset and its timestamps."""

    queryset: Callable[[], QuerySet[Any]]
    created: str | None
    modified: str | None


def _page(request: HttpRequest, sources: list[Source]) -> tuple[list[list[Any]], dict, dict]:
    """Slices of each source for the requested page, then the pagination and links blocks.

    Several sources (proposals, then recommendations) page as one list, in that order.
    """
    window = Window(*(_parse_when(request, name) for name in FILTERS))
    limit = _parse_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = _parse_int(request, "page", 1, 1, 10**9)
    querysets = [
        src.queryset().filter(window.q(src.created, src.modified)).order_by("pk") for src in sources
    ]
    counts = [qs.count() for qs in querysets]
    total = sum(counts)
    pages = max(1, math.ceil(total / limit))
    if page > pages:
        raise ApiError(
            404,
            _("La page %(page)s n'existe pas : la liste compte %(pages)s page(s).")
            % {"page": page, "pages": pages},
        )
    start, stop = (page - 1) * limit, page * limit
    slices: list[list[Any]] = []
    offset = 0
    for qs, count in zip(querysets, counts, strict=True):
        a, b = max(start - offset, 0), min(stop - offset, count)
        slices.append(list(qs[a:b]) if a < b else [])
        offset += count

    kept = {k: v for k, v in request.GET.items() if k in (*FILTERS, "limit")}

    def link(n: int) -> str:
        return request.build_absolute_uri(request.path + "?" + urlencode({**kept, "page": n}))

    links = {"first": link(1), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    pagination = {
        "totalElements": total,
        "elementsPerPage": limit,
        "currentPage": page,
        "totalPages": pages,
    }
    return slices, pagination, links


# --- Types -------------------------------------------------------------------------------


def _meeting_qs() -> QuerySet[Meeting]:
    return _meetings().prefetch_related(
        Prefetch(
            "agenda_items",
            AgendaItem.objects.order_by("sort_order", "pk").prefetch_related(*_item_prefetches()),
        )
    )


def _build_meetings(ctx: s.Context, meetings: list[Meeting]) -> list[dict]:
    _add_vote_lookups(
        ctx, [d for m in meetings for i in m.agenda_items.all() for d in i.decisions.all()]
    )
    return [s.meeting(ctx, m) for m in meetings]


def _build_items(ctx: s.Context, items: list[AgendaItem]) -> list[dict]:
    _add_vote_lookups(ctx, [d for i in items for d in i.decisions.all()])
    return [s.agenda_item(ctx, i) for i in items]


def _build_proposals(ctx: s.Context, proposals: list[Proposal]) -> list[dict]:
    _add_person_ids(ctx, proposals)
    return [s.proposal_paper(ctx, p) for p in proposals]


def _build_files(ctx: s.Context, documents: list[Any]) -> list[dict]:
    links = _document_links([d.pk for d in documents])
    return [s.file(ctx, d, links.get(d.pk, [])) for d in documents]


def _public_documents() -> QuerySet[Any]:
    through = AgendaItem.documents.through
    ids = through.objects.filter(
        agendaitem__is_public=True, agendaitem__meeting__in=_meetings()
    ).values("document_id")
    return get_document_model().objects.filter(pk__in=ids)


@dataclass(frozen=True)
class Kind:
    sources: list[Source]
    builders: list[Callable[[s.Context, list[Any]], list[dict]]]


def _each(fn: Callable[[s.Context, Any], dict]) -> Callable[[s.Context, list[Any]], list[dict]]:
    return lambda ctx, objs: [fn(ctx, o) for o in objs]


KINDS: dict[str, Kind] = {
    "organization": Kind(
        [Source(lambda: Council.objects.prefetch_related("memberships"), None, None)],
        [_each(s.organization)],
    ),
    "person": Kind([Source(_persons, "date_joined", "date_joined")], [_each(s.person)]),
    "membership": Kind(
        [Source(lambda: Membership.objects.all(), None, None)], [_each(s.membership)]
    ),
    "meeting": Kind([Source(_meeting_qs, "created", "updated")], [_build_meetings]),
    "agendaItem": Kind(
        [Source(_agenda_items, "meeting__created", "meeting__updated")], [_build_items]
    ),
    "paper": Kind(
        [
            Source(_proposals, "created", "last_version"),
            Source(_recommendations, "first_published_at", "last_published_at"),
        ],
        [_build_proposals, _each(s.recommendation_paper)],
    ),
    "consultation": Kind([Source(_proposals, "created", "created")], [_each(s.consultation)]),
    "file": Kind([Source(_public_documents, "created_at", "created_at")], [_build_files]),
    "location": Kind(
        [Source(lambda: _meetings().exclude(place=""), "created", "updated")],
        [_each(s.location)],
    ),
}


def _not_found() -> ApiError:
    return ApiError(404, _("Cet objet n'existe pas ou n'est pas public."))


def _check_body(body_id: str) -> None:
    if body_id != s.BODY_ID:
        raise _not_found()


def _body_name() -> str:
    council = Council.objects.order_by("pk").first()
    return council.commune if council else _("Commune")


def _single_page(request: HttpRequest, data: list[dict]) -> JsonResponse:
    """A short list computed rather than stored: one page, filters checked but moot."""
    if _parse_int(request, "page", 1, 1, 10**9) > 1:
        raise ApiError(404, _("La page demandée n'existe pas : la liste compte 1 page."))
    _parse_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    for name in FILTERS:
        _parse_when(request, name)
    link = request.build_absolute_uri(request.path + "?page=1")
    pagination = {
        "totalElements": len(data),
        "elementsPerPage": max(len(data), 1),
        "currentPage": 1,
        "totalPages": 1,
    }
    return _json({"data": data, "pagination": pagination, "links": {"first": link, "last": link}})


# --- Views -------------------------------------------------------------------------------


@api_view
def system(request: HttpRequest) -> JsonResponse:
    return _json(s.system(_context(request)))


@api_view
def body_list(request: HttpRequest) -> JsonResponse:
    ctx = _context(request)
    # The body list is short and fixed; it pages like any list so clients need no exception.
    return _single_page(request, [s.body(ctx, _body_name(), _term_years())])


@api_view
def body(request: HttpRequest, body_id: str) -> JsonResponse:
    _check_body(body_id)
    return _json(s.body(_context(request), _body_name(), _term_years()))


@api_view
def object_list(request: HttpRequest, body_id: str, kind: str) -> JsonResponse:
    _check_body(body_id)
    ctx = _context(request)
    if kind == "legislativeTerm":
        # Computed from dates, not stored: a short list, one page.
        return _single_page(request, [s.legislative_term(ctx, y) for y in _term_years()])
    spec = KINDS.get(kind)
    if spec is None:
        raise _not_found()
    slices, pagination, links = _page(request, spec.sources)
    data: list[dict] = []
    for build, objs in zip(spec.builders, slices, strict=True):
        if objs:
            data.extend(build(ctx, objs))
    return _json({"data": data, "pagination": pagination, "links": links})


def _int_id(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise _not_found() from None
    if not 0 < value < 2**63:
        raise _not_found()
    return value


def _one(qs: QuerySet[Any], pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise _not_found()
    return obj


@api_view
def detail(request: HttpRequest, kind: str, pk: str) -> JsonResponse:
    ctx = _context(request)
    if kind == "legislativeTerm":
        year = _int_id(pk)
        if year not in _term_years():
            raise _not_found()
        return _json(s.legislative_term(ctx, year))
    if kind == "paper":
        prefix, _sep, raw = pk.partition("-")
        if prefix == "proposal":
            return _json(_build_proposals(ctx, [_one(_proposals(), _int_id(raw))])[0])
        if prefix == "recommendation":
            return _json(s.recommendation_paper(ctx, _one(_recommendations(), _int_id(raw))))
        raise _not_found()
    spec = KINDS.get(kind)
    if spec is None:
        raise _not_found()
    obj = _one(spec.sources[0].queryset(), _int_id(pk))
    return _json(spec.builders[0](ctx, [obj])[0])
