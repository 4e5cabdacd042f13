"""OParl's system, body, legislative terms, organizations, people, memberships,
locations and files."""

from __future__ import annotations

import datetime
from typing import Any

from cms.oparl.serializers.common import (
    BODY_ID,
    EXT,
    LICENSE,
    ORGAN_PREFIX,
    SCHEMA,
    TERM_YEARS,
    Context,
    clean,
    header,
    iso,
)
from council.models import Role


def system(ctx: Context) -> dict[str, Any]:
    return clean(
        {
            "id": ctx.url("system"),
            "type": SCHEMA + "System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "license": LICENSE,
            "body": ctx.url("body-list"),
            "name": "Conseil ouvert",
            "website": ctx.absolute("/"),
            "product": "https://schema.oparl.org/1.1/",
        }
    )


def body(ctx: Context, name: str, terms: list[int]) -> dict[str, Any]:
    data = clean(
        {
            "id": ctx.url("body", BODY_ID),
            "type": SCHEMA + "Body",
            "system": ctx.url("system"),
            "name": name,
            "website": ctx.absolute("/"),
            "license": LICENSE,
            "classification": "commune",
            "organization": ctx.url("list", BODY_ID, "organization"),
            "person": ctx.url("list", BODY_ID, "person"),
            "meeting": ctx.url("list", BODY_ID, "meeting"),
            "paper": ctx.url("list", BODY_ID, "paper"),
            "agendaItem": ctx.url("list", BODY_ID, "agendaItem"),
            "consultation": ctx.url("list", BODY_ID, "consultation"),
            "file": ctx.url("list", BODY_ID, "file"),
            "locationList": ctx.url("list", BODY_ID, "location"),
            "legislativeTermList": ctx.url("list", BODY_ID, "legislativeTerm"),
            "membership": ctx.url("list", BODY_ID, "membership"),
            "legislativeTerm": [legislative_term(ctx, year) for year in terms],
        }
    )
    # Required even when empty.
    data.setdefault("legislativeTerm", [])
    return data


def legislative_term(ctx: Context, start_year: int) -> dict[str, Any]:
    start = datetime.date(start_year, 12, 1)
    end = datetime.date(start_year + TERM_YEARS, 11, 30)
    return clean(
        {
            "id": ctx.url("legislativeTerm", start_year),
            "type": SCHEMA + "LegislativeTerm",
            "body": ctx.url("body", BODY_ID),
            "name": f"Législature {start_year + 1}-{start_year + TERM_YEARS}",
            "startDate": iso(start),
            "endDate": iso(end),
        }
    )


def organization(ctx: Context, council) -> dict[str, Any]:
    # Council has no timestamps: created/modified stay unknown rather than invented.
    # A delegate's mandate in another body is a membership of that body (see `organ`).
    members = [m for m in council.memberships.all() if not in_organ(m)]
    return clean(
        {
            "id": ctx.url("organization", council.pk),
            "type": SCHEMA + "Organization",
            "body": ctx.url("body", BODY_ID),
            "name": council.name,
            "shortName": council.slug,
            "organizationType": "conseil consultatif",
            "classification": "conseil consultatif communal",
            "membership": [ctx.url("membership", m.pk) for m in members],
            "memberCount": len({m.user_id for m in members}),
            EXT + "mission": council.mission,
        }
    )


def organ_id(first_mandate_pk: int) -> str:
    return f"{ORGAN_PREFIX}{first_mandate_pk}"


def organ(ctx: Context, first, mandates: list) -> dict[str, Any]:
    """A body in which councils seat delegates (a commission, an intercommunal), known only
    by its name on their mandates; the first of them names it for good."""
    return clean(
        {
            "id": ctx.url("organization", organ_id(first.pk)),
            "type": SCHEMA + "Organization",
            "body": ctx.url("body", BODY_ID),
            "name": first.body,
            "organizationType": "organe extérieur",
            "classification": "organe où siègent des délégué·es du conseil",
            "membership": [ctx.url("membership", m.pk) for m in mandates],
            "memberCount": len({m.user_id for m in mandates}),
        }
    )


def in_organ(m) -> bool:
    return m.role == Role.DELEGATE and bool(m.body)


def membership(ctx: Context, m) -> dict[str, Any]:
    """A mandate. A delegate sits in another body (`organization`) on behalf of the council
    (`onBehalfOf`, as OParl 1.1 puts it); their right to vote there is not recorded, so
    `votingRight` is left out rather than guessed. `m` carries `organ_id` (kinds.with_organ)."""
    delegated = in_organ(m)
    council = ctx.url("organization", m.council_id)
    return clean(
        {
            "id": ctx.url("membership", m.pk),
            "type": SCHEMA + "Membership",
            "person": ctx.url("person", m.user_id),
            "organization": ctx.url("organization", organ_id(m.organ_id)) if delegated else council,
            "onBehalfOf": council if delegated else None,
            "role": m.get_role_display(),
            "votingRight": None if delegated else m.has_voting_right,
            "startDate": iso(m.start),
            "endDate": iso(m.end),
            EXT + "onBehalfOfName": m.organisation,
            EXT + "endReason": m.get_end_reason_display(),
            EXT + "startDecision": m.start_decision,
            EXT + "endDecision": m.end_decision,
            EXT + "succeeds": ctx.url("membership", m.succeeds_id) if m.succeeds_id else None,
        }
    )


def person(ctx: Context, user) -> dict[str, Any]:
    # Only the public face of a mandate: no e-mail, no phone.
    return clean(
        {
            **header(ctx, "Person", user.pk, user.date_joined),
            "body": ctx.url("body", BODY_ID),
            "name": str(user),
            "familyName": user.last_name,
            "givenName": user.first_name,
            "membership": [membership(ctx, m) for m in user.memberships.all()],
        }
    )


def location(ctx: Context, meeting) -> dict[str, Any]:
    # A place is only a free-text field of a meeting, so each meeting has its own Location.
    return clean(
        {
            **header(ctx, "Location", meeting.pk, meeting.created, meeting.updated),
            "description": meeting.place,
            "meetings": [ctx.url("meeting", meeting.pk)],
            "organizations": [ctx.url("organization", meeting.council_id)],
        }
    )


def file(ctx: Context, document, items: list[tuple[int, int]]) -> dict[str, Any]:
    """A Wagtail document; items are the (agenda item id, meeting id) it is attached to."""
    return clean(
        {
            **header(ctx, "File", document.pk, document.created_at),
            "name": document.title,
            "fileName": document.filename,
            "mimeType": document.content_type,
            "size": document.file_size,
            "accessUrl": ctx.absolute(document.url),
            "downloadUrl": ctx.absolute(document.url),
            "agendaItem": [ctx.url("agendaItem", item_id) for item_id, _ in items],
            "meeting": sorted({ctx.url("meeting", meeting_id) for _, meeting_id in items}),
        }
    )
