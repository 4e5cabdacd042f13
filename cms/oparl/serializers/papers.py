"""OParl's papers (the proposals and the recommendations) and their consultations."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cms.oparl.serializers.common import (
    BODY_ID,
    EXT,
    Context,
    clean,
    header,
    iso,
)


def consultation(ctx: Context, proposal) -> dict[str, Any]:
    item = proposal.agenda_item
    return clean(
        {
            **header(ctx, "Consultation", proposal.pk, proposal.created),
            "paper": ctx.url("paper", f"proposal-{proposal.pk}"),
            "agendaItem": ctx.url("agendaItem", item.pk),
            "meeting": ctx.url("meeting", item.meeting_id),
            "organization": [ctx.url("organization", item.meeting.council_id)],
            "authoritative": proposal.state in ("adopted", "rejected"),
            "role": "délibération",
        }
    )


def proposal_paper(ctx: Context, proposal) -> dict[str, Any]:
    versions = list(proposal.versions.all())
    latest = versions[-1] if versions else None
    return clean(
        {
            **header(
                ctx,
                "Paper",
                f"proposal-{proposal.pk}",
                proposal.created,
                getattr(proposal, "last_version", None),
            ),
            "body": ctx.url("body", BODY_ID),
            "name": proposal.title,
            "reference": f"P-{proposal.pk}",
            "date": iso(timezone.localdate(proposal.created)),
            "paperType": "proposition",
            "originatorPerson": [
                ctx.url("person", a.pk) for a in proposal.authors.all() if a.pk in ctx.person_ids
            ],
            "originatorOrganization": [
                ctx.url("organization", proposal.agenda_item.meeting.council_id)
            ],
            "consultation": [consultation(ctx, proposal)],
            EXT + "summary": proposal.summary,
            EXT + "state": proposal.state,
            EXT + "paragraphs": latest.paragraphs if latest else None,
        }
    )


def recommendation_paper(ctx: Context, page) -> dict[str, Any]:
    created = page.first_published_at or page.latest_revision_created_at
    modified = page.last_published_at or created
    base = header(ctx, "Paper", f"recommendation-{page.pk}", created, modified)
    if not page.live:
        # Published once, withdrawn since: announced as deleted.
        return clean({**base, "deleted": True})
    related = []
    decision = page.decision
    if decision is not None and decision.ballot.proposal_id:
        related.append(ctx.url("paper", f"proposal-{decision.ballot.proposal_id}"))
    return clean(
        {
            **base,
            "body": ctx.url("body", BODY_ID),
            "name": page.title,
            "reference": f"R-{page.pk}",
            "date": iso(page.date),
            "paperType": "recommandation",
            "relatedPaper": related,
            "web": _page_url(ctx, page),
            EXT + "summary": page.summary,
            EXT + "decision": ctx.url("agendaItem", decision.agenda_item_id) if decision else None,
        }
    )


def _page_url(ctx: Context, page) -> str | None:
    url = page.get_url(request=ctx.request)
    return ctx.absolute(url) if url else None
