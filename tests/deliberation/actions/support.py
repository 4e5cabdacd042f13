"""What the actions' tests share: the events an action sent, an amendment proposed."""

from __future__ import annotations

from deliberation import actions, events


def types(sent):
    return [event.type for _group, event in sent]


def mgroup(meeting):
    return events.meeting_group(meeting.pk)


def amend(session, operations, who=1, **kw):
    return actions.check_propose_amendment(
        session.proposal,
        base_version_id=kw.pop("base_version_id", session.version().pk),
        operations=operations,
        acting_user=session.people.members[who].user,
        **kw,
    )
