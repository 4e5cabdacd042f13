"""Who may do what, when: a role × action × phase matrix over the named permissions."""

from __future__ import annotations

import pytest
import rules

from deliberation import actions
from deliberation.models import Ballot, Meeting

ROLES = ("resident", "member", "substitute", "chair", "secretariat")
PHASES = ("before", "during", "after")


def user_for(session, role):
    p = session.people
    return {
        "resident": p.resident,
        "member": p.members[4].user,  # present, remote, with a vote
        "substitute": p.substitutes[0].user,  # present, replacing nobody
        "chair": p.chair.user,
        "secretariat": p.secretary.user,
    }[role]


def set_phase(session, phase):
    state = {
        "before": Meeting.State.CONVENED,
        "during": Meeting.State.IN_SESSION,
        "after": Meeting.State.CLOSED,
    }[phase]
    # The phase alone changes here: the matrix holds everything else still.
    Meeting.objects.filter(pk=session.meeting.pk).update(state=state)
    session.meeting.refresh_from_db()
    session.item.meeting = session.meeting


Y, N = True, False

# permission: {phase: (resident, member, substitute, chair, secretariat)}; obj: the item.
ITEM_MATRIX = {
    "deliberation.open_item": {
        "before": (N, N, N, N, N),
        "during": (N, N, N, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.open_ballot": {
        "before": (N, N, N, N, N),
        "during": (N, N, N, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.request_floor": {
        "before": (N, N, N, N, N),
        "during": (N, Y, Y, Y, N),
        "after": (N, N, N, N, N),
    },
    "deliberation.manage_speakers": {
        "before": (N, N, N, N, N),
        "during": (N, N, N, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.create_proposal": {
        "before": (N, Y, Y, Y, Y),
        "during": (N, Y, Y, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.view_item": {
        "before": (Y, Y, Y, Y, Y),
        "during": (Y, Y, Y, Y, Y),
        "after": (Y, Y, Y, Y, Y),
    },
}

MEETING_MATRIX = {
    "deliberation.open_meeting": {
        "before": (N, N, N, Y, Y),
        "during": (N, N, N, N, N),
        "after": (N, N, N, N, N),
    },
    "deliberation.close_meeting": {
        "before": (N, N, N, N, N),
        "during": (N, N, N, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.set_attendance": {
        "before": (N, N, N, Y, Y),
        "during": (N, N, N, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.give_proxy": {
        "before": (N, Y, N, Y, Y),
        "during": (N, Y, N, Y, Y),
        "after": (N, N, N, N, N),
    },
    "deliberation.view_members_room": {
        "before": (N, Y, Y, Y, Y),
        "during": (N, Y, Y, Y, Y),
        "after": (N, Y, Y, Y, Y),
    },
    "deliberation.view_staff_console": {
        "before": (N, N, N, Y, Y),
        "during": (N, N, N, Y, Y),
        "after": (N, N, N, Y, Y),
    },
}

# obj: the open ballot (or the same ballot once closed).
BALLOT_MATRIX = {
    "deliberation.cast_vote": {
        ("during", "open"): (N, Y, N, Y, N),
        ("during", "closed"): (N, N, N, N, N),
        ("after", "closed"): (N, N, N, N, N),
    },
    "deliberation.record_room_vote": {
        ("during", "open"): (N, N, N, N, Y),
        ("during", "closed"): (N, N, N, N, N),
        ("after", "closed"): (N, N, N, N, N),
    },
    "deliberation.record_room_totals": {
        ("during", "open"): (N, N, N, N, Y),
        ("during", "closed"): (N, N, N, N, N),
        ("after", "closed"): (N, N, N, N, N),
    },
    "deliberation.close_ballot": {
        ("during", "open"): (N, N, N, Y, Y),
        ("during", "closed"): (N, N, N, N, N),
        ("after", "closed"): (N, N, N, N, N),
    },
}


@pytest.fixture
def matrix_session(session):
    actions.check_set_attendance(
        session.meeting,
        session.people.substitutes[0].pk,
        "remote",
        acting_user=session.secretary,
    )
    return session


def test_item_matrix(matrix_session):
    s = matrix_session
    got = {}
    for phase in PHASES:
        set_phase(s, phase)
        for perm in ITEM_MATRIX:
            got[(perm, phase)] = tuple(rules.has_perm(perm, user_for(s, r), s.item) for r in ROLES)
    expected = {
        (perm, ph): row for perm, phases in ITEM_MATRIX.items() for ph, row in phases.items()
    }
    assert got == expected


def test_meeting_matrix(matrix_session):
    s = matrix_session
    got = {}
    for phase in PHASES:
        set_phase(s, phase)
        for perm in MEETING_MATRIX:
            got[(perm, phase)] = tuple(
                rules.has_perm(perm, user_for(s, r), s.meeting) for r in ROLES
            )
    expected = {
        (perm, ph): row for perm, phases in MEETING_MATRIX.items() for ph, row in phases.items()
    }
    assert got == expected


def test_ballot_matrix(matrix_session):
    s = matrix_session
    ballot = s.open_ballot()
    got = {}
    for key in (("during", "open"), ("during", "closed"), ("after", "closed")):
        phase, state = key
        Ballot.objects.filter(pk=ballot.pk).update(state=state)
        ballot.refresh_from_db()
        set_phase(s, phase)
        ballot.agenda_item = s.item
        for perm in BALLOT_MATRIX:
            got[(perm, key)] = tuple(rules.has_perm(perm, user_for(s, r), ballot) for r in ROLES)
    expected = {(perm, k): row for perm, rows in BALLOT_MATRIX.items() for k, row in rows.items()}
    assert got == expected


def test_private_item_hidden_from_residents(session):
    session.item.is_public = False
    assert not rules.has_perm("deliberation.view_item", session.people.resident, session.item)
    assert rules.has_perm("deliberation.view_item", session.people.members[0].user, session.item)


def test_amendment_permissions(session):
    a = actions.check_propose_amendment(
        session.proposal,
        base_version_id=session.version().pk,
        operations=[{"op": "delete", "paragraph": 3}],
        acting_user=session.people.members[1].user,
    )
    author, other = session.people.members[1].user, session.people.members[2].user
    assert rules.has_perm("deliberation.withdraw_amendment", author, a)
    assert not rules.has_perm("deliberation.withdraw_amendment", other, a)
    assert not rules.has_perm("deliberation.rebase_amendment", author, a)  # not stale
    assert rules.has_perm("deliberation.accept_amendment", session.chair, a)
    assert rules.has_perm("deliberation.accept_amendment", session.people.vice_chair.user, a)
    for user in (author, session.secretary, session.people.resident):
        assert not rules.has_perm("deliberation.accept_amendment", user, a)
    assert rules.has_perm("deliberation.propose_amendment", other, session.proposal)
    assert not rules.has_perm(
        "deliberation.propose_amendment", session.people.resident, session.proposal
    )
    assert rules.has_perm("deliberation.comment", other, a)
    assert not rules.has_perm("deliberation.comment", session.people.resident, a)


def test_actions_enforce_the_same_permissions(matrix_session):
    """The check_* actions refuse exactly what the matrix denies (spot checks per role)."""
    s = matrix_session
    b = s.open_ballot()
    for role in ("resident", "substitute", "secretariat"):
        with pytest.raises(actions.ActionError):
            actions.check_cast_vote(b.pk, "yes", acting_user=user_for(s, role))
    for role in ("resident", "member", "substitute"):
        with pytest.raises(actions.ActionError):
            actions.check_close_ballot(b.pk, acting_user=user_for(s, role))
    for role in ("resident", "member", "chair"):
        with pytest.raises(actions.ActionError):
            actions.check_record_room_vote(
                b.pk, s.people.members[0].pk, "yes", acting_user=user_for(s, role)
            )
    actions.check_cast_vote(b.pk, "yes", acting_user=user_for(s, "member"))
    assert actions.check_close_ballot(b.pk, acting_user=user_for(s, "secretariat")).pk
