"""An election pushes to the item's pages: candidacies filed or accepted, a round opened or
closed refresh the item's fragments, and the close is announced per candidate."""

from __future__ import annotations

import datetime

from django.utils import timezone

from deliberation import actions, events
from deliberation.models import Election
from tests.deliberation.live.test_events import Listener, layer, start_session  # noqa: F401

HOUR = datetime.timedelta(hours=1)


def _pushed(listener: Listener, event_type: str) -> list[dict]:
    return [m for m in listener.drain() if m["event"] == event_type]


def test_candidacies_and_rounds_refresh_the_items_fragments(layer, people, meeting, capture):  # noqa: F811
    item, _proposal = start_session(people, meeting)
    public = Listener(layer, events.audience_group(meeting.pk, "public"))
    staff = Listener(layer, events.audience_group(meeting.pk, "staff"))
    now = timezone.now()
    with capture():
        election = actions.check_open_candidacies(
            item,
            office="chair",
            opens_at=now - HOUR,
            closes_at=now + HOUR,
            acting_user=people.secretary.user,
        )
    (opened,) = _pushed(public, "deliberation.election_changed")
    assert "Élection : présidence" in opened["fragments"]["live-item"]

    first, second = people.members[0], people.members[1]
    with capture():
        one = actions.check_file_candidacy(election.pk, acting_user=first.user)
        actions.check_file_candidacy(election.pk, acting_user=second.user)
    pushed = _pushed(public, "deliberation.election_changed")
    assert len(pushed) == 2
    assert str(first.user) in pushed[-1]["fragments"]["live-item"]
    assert str(second.user) in pushed[-1]["fragments"]["live-item"]
    assert "console-ballots" in _pushed(staff, "deliberation.election_changed")[-1]["fragments"]

    Election.objects.filter(pk=election.pk).update(candidacies_close_at=now)
    with capture():
        ballot = actions.check_open_round(election.pk, acting_user=people.chair.user)
    types = {m["event"] for m in public.drain()}
    assert {"deliberation.ballot_opened", "deliberation.election_changed"} <= types

    # start_session seats every other member at home: they vote online, the room on paper.
    remote = people.voting[1::2]
    for membership in remote:
        actions.check_cast_election_vote(ballot.pk, one.key, acting_user=membership.user)
    room = len(people.voting) - len(remote)
    actions.check_record_paper_count(
        ballot.pk, ballots=room, counts={one.key: room}, acting_user=people.secretary.user
    )
    with capture():
        actions.check_close_round(ballot.pk, acting_user=people.chair.user)
    messages = public.drain()
    (closed,) = [m for m in messages if m["event"] == "deliberation.ballot_closed"]
    assert closed["announce"].startswith(f"Scrutin clos : {first.user} : {len(people.voting)}")
    assert f"élu·e·s : {first.user}" in closed["announce"]
    assert "pour" not in closed["announce"]
    # The ballots list gives the round per candidate, blank and invalid, never per voter.
    ballots = closed["fragments"]["live-ballots"]
    assert "Bulletins blancs" in ballots and "Bulletins nuls" in ballots
    assert f"Élu·e·s : {first.user}" in ballots
    assert str(second.user) not in ballots.split("Bulletins blancs")[1]
    decided = [m for m in messages if m["event"] == "deliberation.election_changed"]
    assert decided and "élu" in decided[-1]["fragments"]["live-item"].lower()
