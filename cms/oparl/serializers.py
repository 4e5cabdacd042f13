"""OParl 1.1 objects built from the council's records.

Every builder takes what a list page prefetched and issues no query of its own, so a list
page costs the same number of queries whatever its size.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation import selectors

SCHEMA = "https://schema.oparl.org/1.1/"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
# Prefix of the fields OParl does not define (the spec asks vendors to prefix extensions).
EXT = "conseilOuvert:"
BODY_ID = "1"

# Belgian communal legislatures start on 1 December after the October elections, every six
# years; the consultative councils are renewed with them.
FIRST_TERM_YEAR = 2018
TERM_YEARS = 6


def iso(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def term_start_year(day: datetime.date) -> int:
    year = day.year if day.month == 12 else day.year - 1
    return year - (year - FIRST_TERM_YEAR) % TERM_YEARS


@dataclass
class Context:
    """What the builders need besides the object: absolute URLs and page-wide lookups."""

    absolute: Callable[[str], str]
    request: Any = None
    # membership id → user id, for the named votes stored on decisions
    membership_user: dict[int, int] = field(default_factory=dict)
    # ids of users who are Persons (hold or held a mandate)
    person_ids: set[int] = field(default_factory=set)

    def url(self, name: str, *args: Any) -> str:
        return self.absolute(reverse(f"oparl:{name}", args=args))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """OParl leaves out unknown values rather than sending null or empty lists."""
    return {k: v for k, v in data.items() if v is not None and v != [] and v != ""}


def _base(ctx: Context, kind: str, pk: Any, created: Any = None, modified: Any = None) -> dict:
    return {
        "id": ctx.url(kind[0].lower() + kind[1:], pk),
        "type": SCHEMA + kind,
        "created": iso(created),
        "modified": iso(modified or created),
    }


def system(ctx: Context) -> dict[str, Any]:
    return _clean(
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
    data = _clean(
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
    return _clean(
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
    return _clean(
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
    return _clean(
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
    return _clean(
        {
            **_base(ctx, "Person", user.pk, user.date_joined),
            "body": ctx.url("body", BODY_ID),
            "name": str(user),
            "familyName": user.last_name,
            "givenName": user.first_name,
            "membership": [membership(ctx, m) for m in user.memberships.all()],
        }
    )


def location(ctx: Context, meeting) -> dict[str, Any]:
    # A place is only a free-text field of a meeting, so each meeting has its own Location.
    return _clean(
        {
            **_base(ctx, "Location", meeting.pk, meeting.created, meeting.updated),
            "description": meeting.place,
            "meetings": [ctx.url("meeting", meeting.pk)],
            "organizations": [ctx.url("organization", meeting.council_id)],
        }
    )


def file(ctx: Context, document, items: list[tuple[int, int]]) -> dict[str, Any]:
    """A Wagtail document; items are the (agenda item id, meeting id) it is attached to."""
    return _clean(
        {
            **_base(ctx, "File", document.pk, document.created_at),
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


_POPOLO_OPTION = {"yes": "yes", "no": "no", "abstain": "abstain"}
_POPOLO_RESULT = {"adopted": "pass", "rejected": "fail", "no_quorum": "fail"}


def vote_event(ctx: Context, decision) -> dict[str, Any]:
    """A Popolo VoteEvent (popoloproject.com/specs/vote-event.html) for one decision.

    Counts per option always; each named vote only for an open ballot: a secret ballot's
    decision stores no names, and none is ever derived here.
    """
    total = decision.tally.get("total", {})
    event: dict[str, Any] = {
        "identifier": str(decision.pk),
        "motion": {"text": decision.question, "classification": decision.subject},
        "start_date": iso(decision.opened_at),
        "end_date": iso(decision.closed_at),
        "result": _POPOLO_RESULT.get(decision.outcome, "fail"),
        "outcome": decision.outcome,
        "rule": decision.rule,
        "secret": decision.secrecy == "secret",
        "counts": [{"option": o, "value": int(total.get(o, 0))} for o in _POPOLO_OPTION],
        # By channel for an open ballot only: a secret ballot publishes its totals alone.
        "channels": selectors.public_channels(decision),
        "quorum": {
            k: decision.quorum.get(k)
            for k in ("members_with_vote", "present", "required", "reached")
        },
    }
    if decision.secrecy != "secret":
        votes = []
        for v in decision.named_votes:
            seat = v.get("proxy_for") or v["membership"]
            vote = {
                "voter_id": _person_url(ctx, seat),
                "voter_name": v.get("proxy_for_name") or v["name"],
                "option": _POPOLO_OPTION.get(v["choice"], v["choice"]),
                "channel": v.get("channel"),
            }
            if v.get("proxy_for"):
                vote["proxy_holder_id"] = _person_url(ctx, v["membership"])
                vote["proxy_holder_name"] = v["name"]
            votes.append({k: val for k, val in vote.items() if val is not None})
        event["votes"] = votes
    return event


def _person_url(ctx: Context, membership_id: int) -> str | None:
    user_id = ctx.membership_user.get(membership_id)
    return ctx.url("person", user_id) if user_id is not None else None


_RESULT_TEXT = {"adopted": "adopté", "rejected": "rejeté", "no_quorum": "quorum non atteint"}


def agenda_item(ctx: Context, item, meeting=None) -> dict[str, Any]:
    meeting = meeting or item.meeting
    data: dict[str, Any] = {
        "id": ctx.url("agendaItem", item.pk),
        "type": SCHEMA + "AgendaItem",
        "meeting": ctx.url("meeting", item.meeting_id),
        "number": str(item.display_number),
        "order": item.sort_order or 0,
        "name": item.title,
        "public": item.is_public,
    }
    if not item.is_public:
        # A closed-session item shows its title alone.
        return data
    decisions = list(item.decisions.all())
    proposals = list(item.proposals.all())
    last = decisions[-1] if decisions else None
    data.update(
        {
            "created": iso(meeting.created),
            "modified": iso(meeting.updated),
            "consultation": ctx.url("consultation", proposals[0].pk) if proposals else None,
            "result": _RESULT_TEXT.get(last.outcome) if last else None,
            "resolutionText": _resolution_text(last) if last else None,
            "auxiliaryFile": [
                file(ctx, d, [(item.pk, item.meeting_id)]) for d in item.documents.all()
            ],
            EXT + "description": item.description,
            EXT + "kind": item.kind,
            EXT + "voteEvents": [vote_event(ctx, d) for d in decisions],
        }
    )
    return _clean(data)


def _resolution_text(decision) -> str:
    text = decision.text_voted
    if isinstance(text, dict):
        paragraphs = text.get("paragraphs")
        if isinstance(paragraphs, list):
            return "\n\n".join(str(p) for p in paragraphs)
        return str(text.get("question") or decision.question)
    if isinstance(text, list):
        return "\n\n".join(str(p) for p in text)
    return str(text or decision.question)


_MEETING_STATE = {
    "convened": "convoquée",
    "in_session": "en séance",
    "closed": "terminée",
}


def meeting(ctx: Context, m) -> dict[str, Any]:
    return _clean(
        {
            **_base(ctx, "Meeting", m.pk, m.created, m.updated),
            "name": m.title,
            "meetingState": _MEETING_STATE.get(m.state, m.state),
            "cancelled": False,
            "start": iso(m.start),
            "end": iso(m.end),
            "location": location(ctx, m) if m.place else None,
            "organization": [ctx.url("organization", m.council_id)],
            "agendaItem": [agenda_item(ctx, i, m) for i in m.agenda_items.all()],
            "auxiliaryFile": recording_files(ctx, m),
            EXT + "mode": m.mode,
        }
    )


def recording_files(ctx: Context, m) -> list[dict[str, Any]]:
    """A closed meeting's recording and its chapters (WebVTT, one cue per item and per
    speaker's turn), as two Files embedded in the meeting. They are not Wagtail documents:
    their ids are the meeting's with a fragment."""
    if m.state != "closed" or not m.recording_url:
        return []
    meeting_id = ctx.url("meeting", m.pk)
    chapters = ctx.absolute(reverse("deliberation:recording_chapters", args=(m.pk,)))
    return [
        _clean(
            {
                "id": f"{meeting_id}#enregistrement",
                "type": SCHEMA + "File",
                "name": "Enregistrement de la séance",
                "accessUrl": m.recording_url,
                "externalServiceUrl": m.recording_url,
                "meeting": [meeting_id],
                EXT + "recordingStart": iso(m.recording_started_at),
            }
        ),
        {
            "id": f"{meeting_id}#chapitres",
            "type": SCHEMA + "File",
            "name": "Chapitres de l'enregistrement (un par point et par intervention)",
            "fileName": f"seance-{m.pk}-chapitres.vtt",
            "mimeType": "text/vtt",
            "accessUrl": chapters,
            "downloadUrl": chapters,
            "masterFile": f"{meeting_id}#enregistrement",
            "meeting": [meeting_id],
        },
    ]


def consultation(ctx: Context, proposal) -> dict[str, Any]:
    item = proposal.agenda_item
    return _clean(
        {
            **_base(ctx, "Consultation", proposal.pk, proposal.created),
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
    return _clean(
        {
            **_base(
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
    base = _base(ctx, "Paper", f"recommendation-{page.pk}", created, modified)
    if not page.live:
        # Published once, withdrawn since: announced as deleted.
        return _clean({**base, "deleted": True})
    related = []
    decision = page.decision
    if decision is not None and decision.ballot.proposal_id:
        related.append(ctx.url("paper", f"proposal-{decision.ballot.proposal_id}"))
    return _clean(
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
