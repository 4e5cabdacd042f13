"""Ballots: opened, voted online, by proxy and in the room, closed into decisions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import actions, events, selectors
from deliberation.actions import ActionError
from deliberation.models import (
    AuditEntry,
    Ballot,
    BallotParticipation,
    Decision,
    Meeting,
    Vote,
)
from tests.deliberation.actions.support import amend, mgroup, types


def test_open_ballot(session, capture):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    with capture() as sent:
        b = session.open_ballot(subject="amendment", amendment_id=a.pk, rule="absolute")
    assert (
        b.state == "open" and b.opened_by == session.chair and b.proposal_version == a.base_version
    )
    assert b.question.startswith("Adopter l'amendement n° 1")
    assert sent == [
        (
            mgroup(session.meeting),
            events.BallotOpened(
                meeting_id=session.meeting.pk, item_id=session.item.pk, ballot_id=b.pk
            ),
        )
    ]
    entry = AuditEntry.objects.get(ballot=b, action="ballot_opened")
    assert entry.actor == session.chair and entry.data["quorum"]["present"] == 7
    with pytest.raises(ActionError, match="déjà ouvert"):
        session.open_ballot()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"subject": "everything"}, "objet"),
        ({"subject": "procedural", "question": ""}, "obligatoire"),
        ({"subject": "procedural", "question": "?" * 501}, "500"),
        ({"subject": "amendment", "amendment_id": 99999}, "introuvable"),
        ({"subject": "amendment", "amendment_id": "x"}, "introuvable"),
        ({"subject": "proposal", "proposal_id": 99999}, "introuvable"),
        ({"subject": "procedural", "rule": "unanimity"}, "majorité"),
        ({"subject": "procedural", "secrecy": "hidden"}, "nominatif ou secret"),
        ({"subject": "procedural", "secrecy": "secret", "show_running_tally": True}, "secret"),
    ],
)
def test_open_ballot_bad_input(session, options, message):
    with pytest.raises(ActionError, match=message):
        session.open_ballot(**options)
    assert not Ballot.objects.exists()


def test_open_ballot_needs_quorum_unless_second_convocation(session):
    sec = session.secretary
    for m in session.people.members[:4]:
        actions.check_set_attendance(session.meeting, m.pk, "absent", acting_user=sec)
    assert selectors.quorum_for(session.meeting).present == 3
    with pytest.raises(ActionError, match="Quorum non atteint : 3 membres présents sur 8"):
        session.open_ballot()
    assert not Ballot.objects.exists()
    Meeting.objects.filter(pk=session.meeting.pk).update(second_convocation=True)
    session.item.meeting.refresh_from_db()
    assert session.open_ballot().state == "open"


def test_cast_vote_open_ballot(session, capture):
    b = session.open_ballot()
    voter = session.people.members[4]
    with capture() as sent:
        actions.check_cast_vote(b.pk, "yes", acting_user=voter.user)
    vote = Vote.objects.get(ballot=b)
    assert (vote.voter, vote.choice, vote.channel, vote.recorded_by, vote.proxy_for) == (
        voter,
        "yes",
        "online",
        voter.user,
        None,
    )
    assert sent == [
        (
            mgroup(session.meeting),
            events.VoteCountChanged(
                meeting_id=session.meeting.pk, item_id=session.item.pk, ballot_id=b.pk, votes_cast=1
            ),
        ),
        (
            events.user_group(voter.user_id),
            events.OwnVoteRecorded(meeting_id=session.meeting.pk, ballot_id=b.pk),
        ),
    ]
    assert AuditEntry.objects.filter(ballot=b, action="vote_recorded").count() == 1


def test_a_vote_and_its_right_to_vote_read_who_sits_once(session, capture):
    """The permission check and the vote share one reading of the attendance, inside the
    vote's transaction (the pushes after the commit read it afresh)."""
    b = session.open_ballot()
    voter = session.people.members[4]
    with capture(), CaptureQueriesContext(connection) as context:
        actions.check_cast_vote(b.pk, "yes", acting_user=voter.user)
    sql = [q["sql"] for q in context.captured_queries]
    reads = [i for i, q in enumerate(sql) if 'FROM "deliberation_attendance"' in q]
    assert len(reads) == 1
    opened = next(i for i, q in enumerate(sql) if q.startswith(("SAVEPOINT", "BEGIN")))
    assert opened < reads[0] < next(i for i, q in enumerate(sql) if q.startswith("INSERT"))
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.resident)


def test_proxy_vote_is_cast_by_the_holder_and_marked(session):
    b = session.open_ballot()
    holder, giver = session.people.members[0], session.people.members[5]
    actions.check_cast_vote(b.pk, "no", acting_user=holder.user)
    actions.check_cast_vote(b.pk, "yes", proxy_for_id=giver.pk, acting_user=holder.user)
    proxy_vote = Vote.objects.get(ballot=b, proxy_for=giver)
    assert (proxy_vote.voter, proxy_vote.channel, proxy_vote.seat) == (holder, "proxy", giver)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_cast_vote(b.pk, "yes", proxy_for_id=giver.pk, acting_user=holder.user)
    # A proxy one does not hold, or a forged id.
    for forged in (session.people.members[1].pk, "12abc"):
        with pytest.raises(ActionError, match="procuration"):
            actions.check_cast_vote(
                b.pk, "yes", proxy_for_id=forged, acting_user=session.people.members[2].user
            )
    assert Vote.objects.filter(ballot=b).count() == 2


def test_secretariat_records_room_votes(session, capture):
    b = session.open_ballot()
    chair = session.people.chair
    with capture() as sent:
        actions.check_record_room_vote(b.pk, chair.pk, "abstain", acting_user=session.secretary)
    vote = Vote.objects.get(ballot=b)
    assert (vote.voter, vote.channel, vote.recorded_by) == (
        chair,
        "room_roll_call",
        session.secretary,
    )
    # Entered in the room: the roll call changes with the count.
    assert types(sent) == ["deliberation.room_votes_changed", "deliberation.own_vote_recorded"]
    assert sent[1][0] == events.user_group(chair.user_id)
    with pytest.raises(ActionError, match="pas présent en salle"):
        actions.check_record_room_vote(
            b.pk, session.people.members[4].pk, "yes", acting_user=session.secretary
        )
    with pytest.raises(ActionError, match="secrétariat"):
        actions.check_record_room_vote(
            b.pk, session.people.members[1].pk, "yes", acting_user=session.chair
        )
    # The holder in the room votes for the absent member through the secretariat too.
    actions.check_record_room_vote(
        b.pk,
        session.people.members[0].pk,
        "no",
        proxy_for_id=session.people.members[5].pk,
        acting_user=session.secretary,
    )
    assert Vote.objects.get(ballot=b, proxy_for__isnull=False).channel == "proxy"


def test_show_of_hands(session, capture):
    b = session.open_ballot(room_method="show_of_hands")
    # The room holds 6 members plus the proxy its member 0 holds: 7 votes.
    with pytest.raises(ActionError, match="main levée"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[0].user)
    with pytest.raises(ActionError, match="dépassent"):
        actions.check_record_room_totals(
            b.pk, yes=5, no=2, abstain=1, acting_user=session.secretary
        )
    for bad in ("-1", "deux", None):
        with pytest.raises(ActionError, match="Pour"):
            actions.check_record_room_totals(
                b.pk, yes=bad, no=0, abstain=0, acting_user=session.secretary
            )
    b.refresh_from_db()
    assert b.room_yes is None
    with pytest.raises(ActionError, match="totaux"):
        actions.check_close_ballot(b.pk, acting_user=session.chair)
    with capture() as sent:
        actions.check_record_room_totals(
            b.pk, yes=5, no=1, abstain=1, acting_user=session.secretary
        )
    assert sent[0][1].votes_cast == 7
    actions.check_cast_vote(b.pk, "no", acting_user=session.people.members[4].user)
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.tally["show_of_hands"] == {"yes": 5, "no": 1, "abstain": 1}
    assert d.tally["total"] == {"yes": 5, "no": 2, "abstain": 1}
    assert d.outcome == "adopted"


def test_votes_refused_on_closed_unknown_or_bad_input(session):
    b = session.open_ballot()
    voter = session.people.members[4].user
    with pytest.raises(ActionError, match="pour, contre ou abstention"):
        actions.check_cast_vote(b.pk, "maybe", acting_user=voter)
    with pytest.raises(ActionError, match="n'existe pas"):
        actions.check_cast_vote(b.pk + 1000, "yes", acting_user=voter)
    with pytest.raises(ActionError, match="n'existe pas"):
        actions.check_cast_vote("<script>", "yes", acting_user=voter)
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.resident)
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.secretary)
    actions.check_cast_vote(b.pk, "yes", acting_user=voter)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_cast_vote(b.pk, "no", acting_user=voter)
    actions.check_close_ballot(b.pk, acting_user=session.chair)
    with pytest.raises(ActionError, match="clos"):
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[3].user)
    with pytest.raises(ActionError, match="déjà clos"):
        actions.check_close_ballot(b.pk, acting_user=session.chair)
    with pytest.raises(ActionError, match="clos"):
        actions.check_record_room_totals(
            b.pk, yes=1, no=0, abstain=0, acting_user=session.secretary
        )
    assert list(Vote.objects.filter(ballot=b).values_list("choice", flat=True)) == ["yes"]
    assert Decision.objects.count() == 1


def test_close_ballot_on_amendment_records_the_decision_and_merges(session, capture):
    a1 = amend(session, [{"op": "replace", "paragraph": 2, "text": "Ouvertes le samedi."}])
    a2 = amend(session, [{"op": "delete", "paragraph": 2}], who=2)
    b = session.open_ballot(subject="amendment", amendment_id=a1.pk)
    m = session.people.members
    actions.check_cast_vote(b.pk, "yes", acting_user=m[4].user)
    actions.check_cast_vote(b.pk, "yes", proxy_for_id=m[5].pk, acting_user=m[0].user)
    actions.check_record_room_vote(b.pk, m[1].pk, "no", acting_user=session.secretary)
    actions.check_record_room_vote(b.pk, m[2].pk, "abstain", acting_user=session.secretary)
    with capture() as sent:
        d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    b.refresh_from_db()
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert b.state == "closed" and b.closed_by == session.chair
    assert d.outcome == "adopted" and d.rule == "simple"
    assert d.tally["online"] == {"yes": 1, "no": 0, "abstain": 0}
    assert d.tally["proxy"] == {"yes": 1, "no": 0, "abstain": 0}
    assert d.tally["room_roll_call"] == {"yes": 0, "no": 1, "abstain": 1}
    assert d.tally["total"] == {"yes": 2, "no": 1, "abstain": 1}
    assert d.tally["voters"] == 8
    assert d.quorum == {
        "members_with_vote": 8,
        "present": 7,
        "required": 5,
        "second_convocation": False,
        "reached": True,
    }
    assert d.text_voted["kind"] == "amendment"
    assert d.text_voted["operations"] == a1.operations
    assert d.text_voted["base_paragraphs"][1].startswith("Les lignes téléphoniques")
    assert d.amendments_applied[0]["id"] == a1.pk
    assert {v["name"] for v in d.named_votes} == {str(m[i].user) for i in (4, 0, 1, 2)}
    assert a1.state == "adopted" and a2.state == "stale"
    assert d.resulting_version == session.version()
    assert session.version().paragraphs[1] == "Ouvertes le samedi."
    assert types(sent) == ["deliberation.ballot_closed", "deliberation.version_merged"]
    assert sent[0][1] == events.BallotClosed(
        meeting_id=session.meeting.pk,
        item_id=session.item.pk,
        ballot_id=b.pk,
        decision_id=d.pk,
        outcome="adopted",
    )
    assert AuditEntry.objects.filter(ballot=b, action="ballot_closed").exists()


def test_rejected_amendment_and_adopted_proposal(session):
    a = amend(session, [{"op": "delete", "paragraph": 3}])
    b = session.open_ballot(subject="amendment", amendment_id=a.pk)
    actions.check_cast_vote(b.pk, "no", acting_user=session.people.members[4].user)
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    a.refresh_from_db()
    assert d.outcome == "rejected" and a.state == "rejected"
    assert d.resulting_version is None
    b2 = session.open_ballot(subject="proposal", proposal_id=session.proposal.pk, rule="two_thirds")
    actions.check_cast_vote(b2.pk, "yes", acting_user=session.people.members[4].user)
    d2 = actions.check_close_ballot(b2.pk, acting_user=session.chair)
    session.proposal.refresh_from_db()
    assert d2.outcome == "adopted" and session.proposal.state == "adopted"
    assert d2.text_voted == {
        "kind": "proposal",
        "proposal": session.proposal.title,
        "version": 1,
        "paragraphs": session.version().paragraphs,
    }
    with pytest.raises(ActionError, match="plus en débat"):
        session.open_ballot(subject="proposal", proposal_id=session.proposal.pk)


def test_closing_without_quorum_records_no_quorum(session):
    b = session.open_ballot()
    actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[4].user)
    for m in session.people.members[:4]:
        actions.check_set_attendance(session.meeting, m.pk, "absent", acting_user=session.secretary)
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.outcome == "no_quorum" and d.quorum["reached"] is False


def test_secret_ballot_counts_online_proxy_and_paper_into_totals_only(session, capture):
    m, sec = session.people.members, session.secretary
    # The room's part of a secret ballot is paper ballots: never a roll call, never hands.
    for method in ("roll_call", "show_of_hands"):
        with pytest.raises(ActionError, match="bulletins papier"):
            session.open_ballot(secrecy="secret", room_method=method)
    with pytest.raises(ActionError, match="anonymes"):
        session.open_ballot(room_method="paper")
    b = session.open_ballot(secrecy="secret")
    assert b.room_method == "paper" and b.urn
    # A member in the room votes on paper, not online (and not by roll call).
    with pytest.raises(ActionError, match="bulletin papier"):
        actions.check_cast_vote(b.pk, "yes", acting_user=m[1].user)
    with pytest.raises(ActionError, match="totaux"):
        actions.check_record_room_vote(b.pk, m[1].pk, "no", acting_user=sec)
    actions.check_cast_vote(b.pk, "yes", acting_user=m[4].user)
    # Seven paper ballots at most: six members in the room and the proxy member 0 holds.
    with pytest.raises(ActionError, match="dépassent"):
        actions.check_record_room_totals(b.pk, yes=4, no=4, abstain=0, acting_user=sec)
    with pytest.raises(ActionError, match="bulletins papier"):
        actions.check_close_ballot(b.pk, acting_user=session.chair)
    actions.check_record_room_totals(b.pk, yes=1, no=4, abstain=0, acting_user=sec)
    with capture() as sent:
        # Entered again (a miscount): the new totals replace the previous ones.
        actions.check_record_room_totals(b.pk, yes=2, no=4, abstain=1, acting_user=sec)
    assert sent[0][1].votes_cast == 8
    b.refresh_from_db()
    assert (b.room_yes, b.room_no, b.room_abstain, b.paper_ballots) == (None, None, None, 7)
    assert not Vote.objects.exists()
    assert BallotParticipation.objects.filter(ballot=b).count() == 1
    entries = AuditEntry.objects.filter(ballot=b)
    assert all("choice" not in e.data and "totals" not in e.data for e in entries)
    assert [e.data["count"] for e in entries.filter(action="paper_ballots_recorded")] == [5, 7]
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.named_votes == [] and d.outcome == "rejected"
    # Totals, the ballots cast and who could vote: no split by channel to give anyone away.
    assert d.tally == {"total": {"yes": 3, "no": 4, "abstain": 1}, "ballots": 8, "voters": 8}
    b.refresh_from_db()
    assert b.urn is None


def test_a_proxys_secret_vote_is_counted_in_the_totals_only(session):
    m, sec = session.people.members, session.secretary
    # Member 0 holds member 5's proxy and follows from home this time.
    actions.check_set_attendance(session.meeting, m[0].pk, "remote", acting_user=sec)
    b = session.open_ballot(secrecy="secret")
    actions.check_cast_vote(b.pk, "yes", acting_user=m[0].user)
    actions.check_cast_vote(b.pk, "no", proxy_for_id=m[5].pk, acting_user=m[0].user)
    actions.check_cast_vote(b.pk, "yes", acting_user=m[4].user)
    actions.check_record_room_totals(b.pk, yes=5, no=0, abstain=0, acting_user=sec)
    participations = BallotParticipation.objects.filter(ballot=b)
    # Who voted, and for whom, is recorded; what, not.
    assert {(p.voter_id, p.proxy_for_id, p.channel) for p in participations} == {
        (m[0].pk, None, "online"),
        (m[0].pk, m[5].pk, "proxy"),
        (m[4].pk, None, "online"),
    }
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    assert d.tally["total"] == {"yes": 7, "no": 1, "abstain": 0}
    assert set(d.tally) == {"total", "ballots", "voters"}


def test_substitute_votes_only_while_replacing(session):
    sec = session.secretary
    sub, full = session.people.substitutes[0], session.people.members[3]
    actions.check_set_attendance(session.meeting, full.pk, "excused", acting_user=sec)
    actions.check_set_attendance(
        session.meeting, sub.pk, "room", replaces_id=full.pk, acting_user=sec
    )
    b = session.open_ballot()
    actions.check_record_room_vote(b.pk, sub.pk, "yes", acting_user=sec)
    # The replaced member arrives: the seat has voted already.
    actions.check_set_attendance(session.meeting, full.pk, "room", acting_user=sec)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_record_room_vote(b.pk, full.pk, "no", acting_user=sec)
    # And the substitute no longer has a seat.
    other = session.people.substitutes[1]
    actions.check_set_attendance(session.meeting, other.pk, "room", acting_user=sec)
    with pytest.raises(ActionError, match="droit de vote"):
        actions.check_record_room_vote(b.pk, other.pk, "no", acting_user=sec)
    assert Vote.objects.filter(ballot=b).count() == 1


def test_decision_is_immutable(session):
    from deliberation.models import ImmutableError

    b = session.open_ballot()
    d = actions.check_close_ballot(b.pk, acting_user=session.chair)
    with pytest.raises(ImmutableError):
        d.save()
    with pytest.raises(ImmutableError):
        d.delete()
    with pytest.raises(ImmutableError):
        Decision.objects.filter(pk=d.pk).update(outcome="adopted")
    with pytest.raises(ImmutableError):
        Decision.objects.all().delete()
    assert Decision.objects.get(pk=d.pk).outcome == "rejected"


def test_a_vote_takes_no_savepoint_inside_its_check(session):
    """The check's transaction is the vote's: the vote and its row's insert set no
    savepoint of their own (two statements each, while the ballot's row is locked)."""
    b = session.open_ballot()
    with CaptureQueriesContext(connection) as context:
        actions.check_cast_vote(b.pk, "yes", acting_user=session.people.members[4].user)
    savepoints = [q["sql"] for q in context.captured_queries if q["sql"].startswith("SAVEPOINT")]
    # The test runs inside a transaction: the check's own block is the one savepoint.
    assert len(savepoints) == 1, savepoints


def test_a_duplicate_that_slips_past_the_guard_is_refused_and_rolled_back(session, monkeypatch):
    """Should two casts of one seat both pass the guard, the database's constraint refuses
    the second with the same message, and its whole transaction (audit entry included)
    is rolled back: the connection goes on."""
    b = session.open_ballot()
    voter = session.people.members[4].user
    actions.check_cast_vote(b.pk, "yes", acting_user=voter)
    audited = AuditEntry.objects.count()
    monkeypatch.setattr(actions.votes.guards, "guard_already_voted", lambda *args: None)
    with pytest.raises(ActionError, match="déjà été enregistré"):
        actions.check_cast_vote(b.pk, "no", acting_user=voter)
    assert list(Vote.objects.filter(ballot=b).values_list("choice", flat=True)) == ["yes"]
    assert AuditEntry.objects.count() == audited
