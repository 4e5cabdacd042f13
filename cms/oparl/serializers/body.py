"""OParl's system, body, legislative terms, organizations, people, memberships,
locations and files."""

from __future__ import annotations

import datetime
from typing import Any

from cms.oparl.serializers.common import (
    BODY_ID,
    EXT,
    LICENSE,
    SCHEMA,
    TERM_YEARS,
    Context,
    clean,
    header,
    iso,
)


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
    return clean(
        {
            "id": ctx.url("organization", council.pk),
            "type": SCHEMA + "Organization",
            "body": ctx.url("body", BODY_ID),
            "name": council.name,
            "shortName": council.slug,
            "organizationType": "conseil consultatif",
            "classification": "conseil consultatif communal",
            "membership": [ctx.url("membership", m.pk) for m in council.memberships.all()],
            "memberCount": len({m.user_id for m in council.memberships.all()}),
            EXT + "mission": council.mission,
        }
    )


def membership(ctx: Context, m) -> dict[str, Any]:
    return clean(
        {
            "id": ctx.url("membership", m.pk),
            "type": SCHEMA + "Membership",
            "person": ctx.url("person", m.user_id),
            "organization": ctx.url("organization", m.council_id),
            "role": m.get_role_display(),
            "votingRight": m.has_voting_right,
            "startDate": iso(m.start),
            "endDate": iso(m.end),
            EXT + "onBehalfOfName": m.organisation,
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
