"""A secret ballot through the pages, and its public record: totals only, everywhere.

The members at home vote online (one of them also for the proxy they hold), the room votes
on paper and the secretariat enters the tellers' totals. Every channel's voters agree, so
any split by channel in the record would give each of them away.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from cms.minutes.minutes import minutes_body
from deliberation import actions
from deliberation.models import Ballot, Decision
from tests.deliberation.live.test_events import start_session
from tests.deliberation.web.test_views import url, with_totp


@pytest.fixture
def secret_session(people, meeting):
    with_totp(people.chair.user)
    with_totp(people.secretary.user)
    with_totp(people.vice_chair.user)
    item, proposal = start_session(people, meeting)
    # members[1] (at home) holds the proxy of members[5], who stays away after all.
    actions.check_set_attendance(
        meeting, people.members[5].pk, "absent", acting_user=people.secretary.user
    )
    actions.check_give_proxy(
        meeting, people.members[5].pk, people.members[1].pk, acting_user=people.secretary.user
    )
    return item, proposal


def _post(client, user, meeting, room, do, data):
    """The response; a success is the redirect back to the page itself (post/redirect/get)."""
    client.force_login(user)
    response = client.post(f"{url(meeting, room)}?do={do}", data)
    if response.status_code == 302:
        assert response["Location"] == url(meeting, room)
    return response


def test_a_secret_ballot_from_opening_to_its_public_record(client, people, meeting, secret_session):
    chair, sec, m = people.chair.user, people.secretary.user, people.members
    # A roll call would have the secretariat write each member's choice down: refused.
    response = _post(
        client,
        chair,
        meeting,
        "presidence",
        "scrutin-ouvrir",
        {"target": "procedural", "question": "Désigner la déléguée ?", "secrecy": "secret"}
        | {"rule": "simple", "room_method": "roll_call"},
    )
    assert response.status_code == 400
    assert "bulletins papier" in response.content.decode()
    assert not Ballot.objects.exists()
    # By default, a secret ballot's room votes on paper.
    response = _post(
        client,
        chair,
        meeting,
        "presidence",
        "scrutin-ouvrir",
        {"target": "procedural", "question": "Désigner la déléguée ?", "secrecy": "secret"}
        | {"rule": "simple", "room_method": ""},
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.room_method == "paper"

    # A member in the room is told to vote on paper, and offered no online form.
    client.force_login(m[0].user)
    html = client.get(url(meeting, "salle")).content.decode()
    assert "bulletin papier" in html
    assert 'name="choice"' not in html
    # At home: everyone says yes, the proxy too.
    for voter, proxy in ((people.vice_chair, None), (m[1], None), (m[1], m[5]), (m[3], None)):
        data = {"ballot": ballot.pk, "choice": "yes"} | ({"proxy_for": proxy.pk} if proxy else {})
        assert _post(client, voter.user, meeting, "salle", "voter", data).status_code == 302

    # The secretariat enters the tellers' totals: everyone in the room said no.
    client.force_login(sec)
    html = client.get(url(meeting, "secretariat")).content.decode()
    assert "Bulletins papier" in html and "Appel nominal" not in html
    data = {"ballot": ballot.pk, "yes": 0, "no": 4, "abstain": 0}
    assert _post(client, sec, meeting, "secretariat", "totaux-salle", data).status_code == 302
    html = client.get(url(meeting, "secretariat")).content.decode()
    assert "4 bulletins papier saisis" in html
    # The console does not hand the paper totals back: they are sealed in the urn.
    assert not re.search(r'name="no"[^>]*value="4"', html)
    close = {"ballot": ballot.pk, "seen": 8}
    assert _post(client, chair, meeting, "presidence", "scrutin-clore", close).status_code == 302

    decision = Decision.objects.get()
    assert decision.tally == {"total": {"yes": 4, "no": 4, "abstain": 0}, "ballots": 8, "voters": 8}
    client.logout()
    page = client.get(f"/decisions/{meeting.council.slug}/{decision.year}/{decision.number}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Total" in body
    for channel in ("En ligne", "Par procuration", "En salle"):
        assert channel not in body
    live = client.get(url(meeting, "direct")).content.decode()
    start = live.index('id="live-ballots"')
    ballots = live[start : live.index("</section>", start)]
    assert "procuration" not in ballots.lower()
    exported = b"".join(client.get("/decisions/export.csv").streaming_content).decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(exported)))
    assert (row["pour"], row["contre"], row["abstentions"]) == ("4", "4", "0")
    event = _vote_event(client, decision)
    assert event["secret"] is True and event["channels"] == {} and "votes" not in event
    assert {c["option"]: c["value"] for c in event["counts"]} == {"yes": 4, "no": 4, "abstain": 0}
    # The minutes' draft, from the meeting's record: the totals, no channel.
    minutes = str(minutes_body(meeting, (decision.position, decision.hash)))
    assert "4 pour, 4 contre, 0 abstentions" in minutes
    for channel in ("En ligne", "Par procuration", "En salle", "en ligne :", "procuration :"):
        assert channel not in minutes, channel


def _vote_event(client, decision):
    """The vote event of the decision on its OParl agenda item."""
    items = client.get("/oparl/v1.1/body/1/agendaItem").json()["data"]
    for item in items:
        for event in item.get("conseilOuvert:voteEvents", []):
            if event["identifier"] == str(decision.pk):
                return event
    raise AssertionError("No vote event for the decision")
