"""A meeting's agenda pack as a tagged PDF, generated on demand and cached until the
meeting, its agenda, its proposals or its page change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from cms.pages.agenda import meeting_agenda
from deliberation.models import AgendaItem, Proposal, ProposalVersion

# PDF/UA-1: tagged structure, document title and language, for screen readers.
PDF_VARIANT = "pdf/ua-1"
CACHE_SECONDS = 7 * 24 * 3600


def _fingerprint(page) -> str:
    meeting = page.meeting
    agenda = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Count("pk"), last=Max("pk"))
    versions = ProposalVersion.objects.filter(proposal__agenda_item__meeting=meeting).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    # meeting.updated moves on every do_save_meeting (the admin's agenda edits); the agenda
    # aggregate covers items deleted or added outside it, versions cover proposal edits.
    parts = [
        meeting.pk,
        meeting.updated.isoformat(),
        agenda,
        versions,
        page.latest_revision_id,
        get_language(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _proposals_by_item(page) -> dict[int, list[Proposal]]:
    proposals = (
        Proposal.objects.filter(agenda_item__meeting=page.meeting, agenda_item__is_public=True)
        .exclude(state=Proposal.State.WITHDRAWN)
        .prefetch_related(
            Prefetch("versions", queryset=ProposalVersion.objects.order_by("-number"))
        )
        .order_by("created", "pk")
    )
    grouped: dict[int, list[Proposal]] = {}
    for proposal in proposals:
        versions = list(proposal.versions.all())
        proposal.pack_paragraphs = versions[0].paragraphs if versions else []  # type: ignore[attr-defined]
        grouped.setdefault(proposal.agenda_item_id, []).append(proposal)
    return grouped


def render_agenda_pack(page, request) -> bytes:
    import weasyprint

    meeting = page.meeting
    proposals = _proposals_by_item(page)
    # The pack is public: closed items are listed by title only, whoever downloads it.
    agenda = [
        {"item": item, "full": item.is_public, "proposals": proposals.get(item.pk, [])}
        for item in meeting_agenda(meeting)
    ]
    html = render_to_string(
        "cms/agenda_pack.html",
        {
            "page": page,
            "meeting": meeting,
            "agenda": agenda,
            "page_url": page.get_full_url(request),
            "site_root": request.build_absolute_uri("/").rstrip("/"),
            "generated_at": timezone.now(),
            "LANGUAGE_CODE": get_language(),
        },
    )
    # Nothing is fetched while rendering: the stylesheet is inline and a PDF generated for
    # the public must not reach other hosts (nor this one, which is busy answering).
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def _cached(key: str, render: Callable[[], bytes]) -> bytes:
    pdf = cache.get(key)
    if pdf is None:
        pdf = render()
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def _response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def agenda_pack(page, request) -> bytes:
    key = f"cms:agenda-pack:{_fingerprint(page)}"
    return _cached(key, lambda: render_agenda_pack(page, request))


def agenda_pack_response(page, request) -> HttpResponse:
    return _response(agenda_pack(page, request), f"ordre-du-jour-seance-{page.meeting.pk}.pdf")


def render_minutes(page, request, context: Callable[[Any], dict[str, Any]]) -> bytes:
    """`context(page)` gives the minutes page's decisions and approval."""
    import weasyprint

    html = render_to_string(
        "cms/minutes_pdf.html",
        {
            "page": page,
            **context(page),
            "page_url": page.get_full_url(request),
            "generated_at": timezone.now(),
            "LANGUAGE_CODE": get_language(),
        },
    )
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def minutes_pdf(
    page, request, *, approval_ids: list[int], context: Callable[[Any], dict[str, Any]]
) -> bytes:
    # The published revision and the approval are all the PDF depends on (decisions are
    # immutable).
    parts = [page.pk, page.live_revision_id, approval_ids, get_language()]
    key = "cms:minutes:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return _cached(key, lambda: render_minutes(page, request, context))


def minutes_response(
    page, request, *, approval_ids: list[int], context: Callable[[Any], dict[str, Any]]
) -> HttpResponse:
    pdf = minutes_pdf(page, request, approval_ids=approval_ids, context=context)
    return _response(pdf, f"proces-verbal-seance-{page.meeting_id}.pdf")
