"""OParl's meetings and agenda items, with the votes of their decisions (Popolo)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cms.oparl.serializers.body import file, location
from cms.oparl.serializers.common import (
    EXT,
    SCHEMA,
    Context,
    clean,
    header,
    iso,
)
from deliberation import election_record, selectors

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
    if election_record.is_election(decision):
        # An election round: the counts per candidate (or yes / no / abstain), blank and
        # invalid ballots, and who was elected; a round is secret, so never a vote per voter.
        event["counts"] = [
            {"option": row["key"], "label": row["name"], "value": row["votes"]}
            for row in election_record.election_rows(decision)
        ] + [{"option": o, "value": int(decision.tally.get(o, 0))} for o in ("blank", "invalid")]
        event["elected"] = list(decision.text_voted.get("elected_names", []))
        event["runoff"] = [
            row["name"] for row in election_record.election_rows(decision) if row["runoff"]
        ]
        event["result"] = "pass" if event["elected"] else "fail"
        return event
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
    return clean(data)


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
    return clean(
        {
            **header(ctx, "Meeting", m.pk, m.created, m.updated),
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
        clean(
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
