"""The OParl views: one object, or one page of a list, as JSON; never a 500 for bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from cms.oparl import serializers as s
from cms.oparl.kinds import (
    KINDS,
    build_organs,
    build_proposals,
    organs,
    proposals,
    recommendations,
    term_years,
)
from cms.oparl.paging import (
    DEFAULT_LIMIT,
    FILTERS,
    MAX_LIMIT,
    ApiError,
    page_of,
    parse_int,
    parse_when,
)
from council.models import Council


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
    if parse_int(request, "page", 1, 1, 10**9) > 1:
        raise ApiError(404, _("La page demandée n'existe pas : la liste compte 1 page."))
    parse_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    for name in FILTERS:
        parse_when(request, name)
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
    return _single_page(request, [s.body(ctx, _body_name(), term_years())])


@api_view
def body(request: HttpRequest, body_id: str) -> JsonResponse:
    _check_body(body_id)
    return _json(s.body(_context(request), _body_name(), term_years()))


@api_view
def object_list(request: HttpRequest, body_id: str, kind: str) -> JsonResponse:
    _check_body(body_id)
    ctx = _context(request)
    if kind == "legislativeTerm":
        # Computed from dates, not stored: a short list, one page.
        return _single_page(request, [s.legislative_term(ctx, y) for y in term_years()])
    spec = KINDS.get(kind)
    if spec is None:
        raise _not_found()
    slices, pagination, links = page_of(request, spec.sources)
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
        if year not in term_years():
            raise _not_found()
        return _json(s.legislative_term(ctx, year))
    if kind == "paper":
        prefix, _sep, raw = pk.partition("-")
        if prefix == "proposal":
            return _json(build_proposals(ctx, [_one(proposals(), _int_id(raw))])[0])
        if prefix == "recommendation":
            return _json(s.recommendation_paper(ctx, _one(recommendations(), _int_id(raw))))
        raise _not_found()
    if kind == "organization" and pk.startswith(s.ORGAN_PREFIX):
        first = _one(organs(), _int_id(pk.removeprefix(s.ORGAN_PREFIX)))
        return _json(build_organs(ctx, [first])[0])
    spec = KINDS.get(kind)
    if spec is None:
        raise _not_found()
    obj = _one(spec.sources[0].queryset(), _int_id(pk))
    return _json(spec.builders[0](ctx, [obj])[0])
