"""Database-level guarantees: they hold even if an action forgot a check."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from deliberation import actions
from deliberation.models import (
    BallotParticipation,
    Proxy,
    SpeakerRequest,
    Vote,
)


def test_one_vote_per_voter_and_per_seat(session):
    b = session.open_ballot()
    voter = session.people.members[4]
    Vote.objects.create(
        ballot=b, voter=voter, seat=voter, choice="yes", channel="online", recorded_by=voter.user
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            ballot=b, voter=voter, seat=voter, choice="no", channel="online", recorded_by=voter.user
        )
    holder, giver = session.people.members[0], session.people.members[5]
    Vote.objects.create(
        ballot=b,
        voter=holder,
        proxy_for=giver,
        seat=giver,
        choice="no",
        channel="proxy",
        recorded_by=holder.user,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        # The giver's seat again, under another name.
        Vote.objects.create(
            ballot=b,
            voter=giver,
            seat=giver,
            choice="yes",
            channel="online",
            recorded_by=giver.user,
        )
    assert Vote.objects.filter(ballot=b).count() == 2


def test_one_participation_per_seat_in_secret_ballots(session):
    b = session.open_ballot(secrecy="secret")
    voter = session.people.members[4]
    BallotParticipation.objects.create(
        ballot=b, voter=voter, seat=voter, channel="online", recorded_by=voter.user
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotParticipation.objects.create(
            ballot=b, voter=voter, seat=voter, channel="online", recorded_by=voter.user
        )


def test_a_participation_holds_neither_a_choice_nor_a_time():
    columns = {f.column for f in BallotParticipation._meta.concrete_fields}
    assert columns == {"id", "ballot_id", "voter_id", "proxy_for_id", "seat_id", "channel"} | {
        "recorded_by_id"
    }


def test_at_most_one_proxy_per_holder(people, meeting):
    m = people.members
    Proxy.objects.create(meeting=meeting, giver=m[0], holder=m[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        Proxy.objects.create(meeting=meeting, giver=m[2], holder=m[1])


def test_one_speaker_at_a_time(session):
    m = session.people.members
    SpeakerRequest.objects.create(agenda_item=session.item, membership=m[0], state="speaking")
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerRequest.objects.create(agenda_item=session.item, membership=m[1], state="speaking")


def test_one_open_ballot_per_item(session):
    from deliberation.models import Ballot

    session.open_ballot()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            agenda_item=session.item, subject="procedural", question="?", state="open"
        )


def test_selectors_query_count_does_not_grow(session, django_assert_max_num_queries):
    from deliberation import selectors

    for n in range(3):
        a = actions.check_propose_amendment(
            session.proposal,
            base_version_id=session.version().pk,
            operations=[{"op": "replace", "paragraph": 3, "text": f"Bilan {n}."}],
            acting_user=session.people.members[n].user,
        )
        for k in range(2):
            c = actions.check_add_comment(a, f"Avis {k}", acting_user=session.chair)
            actions.check_add_comment(a, "Réponse", parent_id=c.pk, acting_user=session.chair)
    with django_assert_max_num_queries(9):
        proposals = list(selectors.proposals_for(session.item))
        for p in proposals:
            for a in p.amendments.all():
                selectors.amendment_changes(a)
                for c in a.top_comments:
                    list(c.replies.all())
                    str(c.author)
    with django_assert_max_num_queries(12):
        state = selectors.meeting_state(session.meeting.pk)
        assert state.presence.quorum.present == 7


def test_django_admin_is_read_only(rf):
    from django.contrib import admin

    from deliberation.models import AuditEntry, Decision

    request = rf.get("/")
    for model in (Decision, AuditEntry):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
