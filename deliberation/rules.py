"""Who may do what in a meeting, and when: `rules` predicates and named permissions.

Every predicate takes (user, obj) where obj is a Meeting or something inside one (agenda
item, proposal, amendment, comment, ballot); the meeting's council decides the roles. The
check_* actions, views and templates ask the named permissions at the bottom.
"""

from __future__ import annotations

from typing import Any

import rules

from council import rules as council_rules
from deliberation import selectors
from deliberation.models import (
    AgendaItem,
    Amendment,
    Ballot,
    Comment,
    Consultation,
    Election,
    Meeting,
    Proposal,
    ProposalVersion,
)


def meeting_of(obj: Any) -> Meeting | None:
    """The meeting an object belongs to (no query when the chain was select_related)."""
    if isinstance(obj, Meeting):
        return obj
    if isinstance(obj, AgendaItem):
        return obj.meeting
    if isinstance(obj, Ballot | Proposal | Election):
        return obj.agenda_item.meeting
    if isinstance(obj, Amendment | ProposalVersion):
        return obj.proposal.agenda_item.meeting
    if isinstance(obj, Consultation):
        return obj.agenda_item.meeting
    if isinstance(obj, Comment):
        if obj.consultation_id:
            return meeting_of(obj.consultation)
        target = obj.proposal if obj.proposal_id else obj.amendment
        return meeting_of(target)
    return None


def item_of(obj: Any) -> AgendaItem | None:
    if isinstance(obj, AgendaItem):
        return obj
    if isinstance(obj, Ballot | Proposal | Election):
        return obj.agenda_item
    if isinstance(obj, Amendment | ProposalVersion):
        return obj.proposal.agenda_item
    if isinstance(obj, Consultation):
        return obj.agenda_item
    if isinstance(obj, Comment):
        if obj.consultation_id:
            return item_of(obj.consultation)
        return item_of(obj.proposal if obj.proposal_id else obj.amendment)
    return None


def _council_id(obj: Any) -> int | None:
    meeting = meeting_of(obj)
    return meeting.council_id if meeting else None


# --- Roles, in the council that holds the meeting -------------------------------------------


@rules.predicate
def is_meeting_member(user, obj) -> bool:
    council_id = _council_id(obj)
    return council_id is not None and council_rules.is_member(user, council_id)


@rules.predicate
def is_meeting_chair(user, obj) -> bool:
    """The chair, or the vice-chair who presides in their place."""
    council_id = _council_id(obj)
    return council_id is not None and council_rules.can_preside(user, council_id)


@rules.predicate
def is_meeting_secretariat(user, obj) -> bool:
    council_id = _council_id(obj)
    return council_id is not None and council_rules.is_secretariat(user, council_id)


@rules.predicate
def is_meeting_observer(user, obj) -> bool:
    council_id = _council_id(obj)
    return council_id is not None and council_rules.is_observer(user, council_id)


@rules.predicate
def has_vote_in_council(user, obj) -> bool:
    council_id = _council_id(obj)
    return council_id is not None and council_rules.has_voting_right(user, council_id)


is_meeting_staff = is_meeting_chair | is_meeting_secretariat


@rules.predicate
def can_vote_in(user, obj) -> bool:
    """The user holds a seat in the meeting right now (own vote, substitution or proxy)."""
    meeting = meeting_of(obj)
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    # Not cached: attendance and proxies change during a session.
    return bool(selectors.presence(meeting).seats_of(user.pk))


@rules.predicate
def is_author(user, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if isinstance(obj, Amendment | Comment):
        return obj.author_id == user.pk
    if isinstance(obj, Proposal):
        return obj.authors.filter(pk=user.pk).exists()
    return False


# --- Phases --------------------------------------------------------------------------------


@rules.predicate
def meeting_before(user, obj) -> bool:
    meeting = meeting_of(obj)
    return meeting is not None and meeting.state in (
        Meeting.State.DRAFT,
        Meeting.State.CONVENED,
    )


@rules.predicate
def meeting_in_session(user, obj) -> bool:
    meeting = meeting_of(obj)
    return meeting is not None and meeting.state == Meeting.State.IN_SESSION


@rules.predicate
def meeting_is_closed(user, obj) -> bool:
    meeting = meeting_of(obj)
    return meeting is not None and meeting.state == Meeting.State.CLOSED


@rules.predicate
def item_is_open(user, obj) -> bool:
    item = item_of(obj)
    return item is not None and item.state == AgendaItem.State.OPEN


@rules.predicate
def item_is_not_closed(user, obj) -> bool:
    item = item_of(obj)
    return item is not None and item.state != AgendaItem.State.CLOSED


@rules.predicate
def item_is_public(user, obj) -> bool:
    item = item_of(obj)
    return item is not None and item.is_public


@rules.predicate
def ballot_is_open(user, obj) -> bool:
    return isinstance(obj, Ballot) and obj.state == Ballot.State.OPEN


@rules.predicate
def amendment_is_pending(user, obj) -> bool:
    return isinstance(obj, Amendment) and obj.state == Amendment.State.PENDING


@rules.predicate
def amendment_is_stale(user, obj) -> bool:
    return isinstance(obj, Amendment) and obj.state == Amendment.State.STALE


@rules.predicate
def proposal_is_draft(user, obj) -> bool:
    proposal = obj.proposal if isinstance(obj, Amendment | ProposalVersion) else obj
    return isinstance(proposal, Proposal) and proposal.state == Proposal.State.DRAFT


meeting_not_closed = ~meeting_is_closed
may_prepare = meeting_not_closed & item_is_not_closed

# --- Named permissions ---------------------------------------------------------------------

# Rooms (obj: the meeting). The public live page needs no permission; private items do.
rules.add_perm(
    "deliberation.view_members_room",
    is_meeting_member | is_meeting_secretariat | is_meeting_observer,
)
rules.add_perm("deliberation.view_staff_console", is_meeting_staff)
rules.add_perm("deliberation.view_chair_console", is_meeting_chair)
rules.add_perm("deliberation.view_secretariat_console", is_meeting_secretariat)
# obj: an agenda item (or anything in one).
rules.add_perm(
    "deliberation.view_item",
    item_is_public | is_meeting_member | is_meeting_secretariat | is_meeting_observer,
)

# Running the meeting (obj: the meeting, or the item for items).
rules.add_perm("deliberation.open_meeting", is_meeting_staff & meeting_before)
rules.add_perm("deliberation.close_meeting", is_meeting_staff & meeting_in_session)
rules.add_perm("deliberation.open_item", is_meeting_staff & meeting_in_session)
rules.add_perm("deliberation.close_item", is_meeting_staff & meeting_in_session & item_is_open)
rules.add_perm("deliberation.save_meeting", is_meeting_staff & meeting_not_closed)

# Attendance and proxies (obj: the meeting).
rules.add_perm("deliberation.set_attendance", is_meeting_staff & meeting_not_closed)
# A voting member gives their own proxy; the secretariat records one handed in on paper.
rules.add_perm(
    "deliberation.give_proxy",
    (has_vote_in_council | is_meeting_secretariat) & meeting_not_closed,
)

# Texts (obj: the item for proposals, the proposal for amendments, the amendment to act on).
rules.add_perm("deliberation.create_proposal", (is_meeting_member | is_meeting_staff) & may_prepare)
rules.add_perm(
    "deliberation.propose_amendment",
    (is_meeting_member | is_meeting_secretariat) & may_prepare & proposal_is_draft,
)
rules.add_perm(
    "deliberation.withdraw_amendment", is_author & amendment_is_pending & meeting_not_closed
)
rules.add_perm(
    "deliberation.rebase_amendment",
    is_author & amendment_is_stale & proposal_is_draft & may_prepare,
)
# Outside a ballot, only the presiding chair may take an amendment over (by consensus).
rules.add_perm(
    "deliberation.accept_amendment",
    is_meeting_chair & amendment_is_pending & meeting_in_session & item_is_open,
)
# obj: the proposal or amendment commented on.
rules.add_perm(
    "deliberation.comment",
    (is_meeting_member | is_meeting_secretariat) & may_prepare,
)
rules.add_perm("deliberation.hide_comment", is_meeting_staff)
# Public consultations (obj: the consultation, its item, or one of its comments).
rules.add_perm("deliberation.save_consultation", is_meeting_staff & item_is_public)
rules.add_perm("deliberation.moderate_comment", is_meeting_staff)

# Speakers (obj: the item).
rules.add_perm("deliberation.request_floor", is_meeting_member & meeting_in_session & item_is_open)
rules.add_perm("deliberation.manage_speakers", is_meeting_staff & meeting_in_session & item_is_open)
# Speaking time is the chair's: for the meeting, an item or one speaker, until it closes.
rules.add_perm("deliberation.keep_time", is_meeting_chair & meeting_not_closed)

# Ballots (obj: the item to open one, the ballot otherwise).
rules.add_perm("deliberation.open_ballot", is_meeting_staff & meeting_in_session & item_is_open)
rules.add_perm("deliberation.close_ballot", is_meeting_staff & ballot_is_open)
rules.add_perm("deliberation.cast_vote", can_vote_in & ballot_is_open & meeting_in_session)
rules.add_perm(
    "deliberation.record_room_vote", is_meeting_secretariat & ballot_is_open & meeting_in_session
)
rules.add_perm(
    "deliberation.record_room_totals",
    is_meeting_secretariat & ballot_is_open & meeting_in_session,
)
# Elections (obj: the item, or the round's ballot). The secretariat calls for candidacies;
# members stand or propose another; the chair opens and closes the rounds (secret ballots).
rules.add_perm("deliberation.open_candidacies", is_meeting_secretariat & may_prepare)
rules.add_perm("deliberation.file_candidacy", is_meeting_member & may_prepare)
rules.add_perm(
    "deliberation.open_election_round", is_meeting_chair & meeting_in_session & item_is_open
)
rules.add_perm("deliberation.close_election_round", is_meeting_chair & ballot_is_open)
rules.add_perm(
    "deliberation.record_paper_count", is_meeting_staff & ballot_is_open & meeting_in_session
)

# Video (obj: the meeting). The members' videoconference is for the council (members of
# every role, chair and secretariat), never residents; the chair moderates it. The
# secretariat attaches the recording once the meeting is closed.
rules.add_perm(
    "deliberation.join_conference",
    (is_meeting_member | is_meeting_staff) & ~meeting_is_closed,
)
rules.add_perm("deliberation.moderate_conference", is_meeting_chair)
rules.add_perm("deliberation.attach_recording", is_meeting_secretariat & meeting_is_closed)

# --- Mediation desk ------------------------------------------------------------------------


@rules.predicate
def is_meeting_mediator(user, obj) -> bool:
    council_id = _council_id(obj)
    return council_id is not None and council_rules.is_mediator(user, council_id)


# obj: the agenda item (or proposal) the resident speaks about. Private items take no
# public contributions; a closed one is past hearing them.
rules.add_perm(
    "deliberation.record_contribution",
    (is_meeting_mediator | is_meeting_secretariat) & item_is_public & may_prepare,
)
# obj: the item of a recorded contribution; the slip carries the resident's name.
rules.add_perm("deliberation.view_contribution_slip", is_meeting_mediator | is_meeting_secretariat)
