"""The live pages: who reaches which, every form posts/redirects, refusals stay in the page."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import actions
from deliberation.models import Attendance, Ballot, Comment, SpeakerRequest, Vote
from tests.deliberation.live.test_events import open_ballot, start_session


def url(meeting, room: str) -> str:
    return f"/seances/{meeting.pk}/{room}/"


def with_totp(user):
    # Chair and secretariat must have a second factor before reaching any page.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def session(people, meeting):
    with_totp(people.chair.user)
    with_totp(people.secretary.user)
    return start_session(people, meeting)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_public_page_is_open_to_all_and_has_no_form(client, meeting, session):
    response = client.get(url(meeting, "direct"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recommandation guichets" in html
    assert "<form" not in html
    assert 'aria-live="polite"' in html
    assert '<script type="module"' in html


def test_the_public_page_reads_right_in_each_language(client, meeting, session, people):
    """The words the first try of a session night caught: the accent of "À la parole", the
    English colon without a space, and the agenda numbered once."""
    item, _proposal = session
    first = actions.check_request_floor(item, acting_user=people.members[0].user)
    actions.check_give_floor(item, first.pk, acting_user=people.chair.user)
    french = " ".join(client.get(url(meeting, "direct")).content.decode().split())
    assert "À la parole :" in french and "A la parole" not in french
    assert "Point en cours : <strong>2. Guichets" in french
    assert not re.search(r"\b(\d+)\. \1\. ", french), "an item numbered twice"
    english = " ".join(client.get("/en" + url(meeting, "direct")).content.decode().split())
    assert "Item in progress: <strong>2. Guichets" in english
    assert "Item in progress :" not in english


@pytest.mark.parametrize(
    ("who", "room", "status"),
    [
        ("resident", "salle", 403),
        ("member", "salle", 200),
        ("member", "presidence", 403),
        ("member", "secretariat", 403),
        ("chair", "presidence", 200),
        ("secretary", "secretariat", 200),
        ("secretary", "presidence", 403),
        ("chair", "secretariat", 403),
    ],
)
def test_who_reaches_which_room(as_user, people, meeting, session, who, room, status):
    user = {
        "resident": people.resident,
        "member": people.members[0].user,
        "chair": people.chair.user,
        "secretary": people.secretary.user,
    }[who]
    assert as_user(user).get(url(meeting, room)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, meeting):
    response = client.get(url(meeting, "salle"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_meeting_is_404(client, meeting):
    assert client.get(f"/seances/{meeting.pk + 99}/direct/").status_code == 404


def test_a_full_ballot_through_the_forms(as_user, people, meeting, session):
    _item, proposal = session
    chair = as_user(people.chair.user)
    response = chair.post(
        url(meeting, "presidence") + "?do=scrutin-ouvrir",
        {
            "target": f"p{proposal.pk}",
            "question": "",
            "secrecy": "open",
            "rule": "simple",
            "room_method": "roll_call",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url(meeting, "presidence")
    ballot = Ballot.objects.get(state="open")

    member = people.members[1]
    client = as_user(member.user)
    page = client.get(url(meeting, "salle")).content.decode()
    assert 'action="?do=voter"' in page
    response = client.post(
        url(meeting, "salle") + "?do=voter", {"ballot": ballot.pk, "choice": "no"}
    )
    assert response.status_code == 302
    assert Vote.objects.get(ballot=ballot, voter=member).choice == "no"
    # Voting twice: refused in the page, in French, nothing recorded.
    response = client.post(
        url(meeting, "salle") + "?do=voter", {"ballot": ballot.pk, "choice": "yes"}
    )
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert Vote.objects.filter(ballot=ballot, voter=member).count() == 1

    room_member = people.members[2]
    secretary = as_user(people.secretary.user)
    response = secretary.post(
        url(meeting, "secretariat") + "?do=vote-salle",
        {"ballot": ballot.pk, "seat": f"{room_member.pk}-0", "choice": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Vote.objects.get(ballot=ballot, voter=room_member).channel == "room_roll_call"

    chair = as_user(people.chair.user)
    page = chair.get(url(meeting, "presidence") + f"?cloture={ballot.pk}").content.decode()
    assert "Confirmer la clôture" in page
    response = chair.post(
        url(meeting, "presidence") + "?do=scrutin-clore", {"ballot": ballot.pk, "seen": 2}
    )
    assert response.status_code == 302
    ballot.refresh_from_db()
    assert ballot.state == "closed"
    public = as_user(people.resident).get(url(meeting, "direct")).content.decode()
    assert "1 contre" not in public  # the table shows figures, the sentence is for pushes
    assert "Votes nominatifs" in public


def test_member_forms(as_user, people, meeting, session):
    _item, proposal = session
    member = people.members[0]
    client = as_user(member.user)
    version = proposal.versions.get()
    response = client.post(
        url(meeting, "salle") + "?do=commenter",
        {"target": f"p{proposal.pk}", "body": "<b>D’accord</b><img src=https://x.example/a.png>"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert "<img" not in comment.body
    response = client.post(
        url(meeting, "salle") + "?do=amender",
        {
            "proposal": f"{proposal.pk}-{version.pk}",
            "paragraph": 2,
            "op": "replace",
            "text": "Deuxième paragraphe amendé.",
        },
    )
    assert response.status_code == 302
    assert proposal.amendments.count() == 1
    response = client.post(url(meeting, "salle") + "?do=parole")
    assert response.status_code == 302
    assert SpeakerRequest.objects.filter(membership=member).exists()


@pytest.mark.parametrize(
    ("room", "action", "data", "message"),
    [
        ("salle", "commenter", {"target": "p999999", "body": "x"}, "Sélectionnez un choix valide"),
        ("salle", "commenter", {"body": ""}, "Champ requis"),
        ("salle", "amender", {"proposal": "x", "paragraph": "-1", "op": "burn"}, "valide"),
        ("salle", "voter", {"ballot": "999999", "choice": "yes"}, "n’existe pas"),
        ("salle", "voter", {"ballot": "abc", "choice": "maybe"}, "Saisissez un nombre entier"),
        ("salle", "nimporte", {}, "Action inconnue"),
        ("salle", "scrutin-ouvrir", {}, "Action inconnue"),
    ],
)
def test_bad_input_is_a_french_message_never_a_500(
    as_user, people, meeting, session, room, action, data, message
):
    client = as_user(people.members[0].user)
    response = client.post(url(meeting, room) + f"?do={action}", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient des erreurs" in html
    summary = html[html.index("error-summary") :][:1500]
    assert message in summary, summary


def test_forged_fields_are_refused(as_user, people, meeting, session):
    item, proposal = session
    ballot = open_ballot(people, item, proposal)
    member = people.members[0]
    client = as_user(member.user)
    # A proxy this member does not hold.
    response = client.post(
        url(meeting, "salle") + "?do=voter",
        {"ballot": ballot.pk, "choice": "yes", "proxy_for": people.members[3].pk},
    )
    assert response.status_code == 400
    assert not Vote.objects.filter(ballot=ballot).exists()
    # A member posting to the secretariat's console is refused before any form is read.
    response = client.post(
        url(meeting, "secretariat") + "?do=vote-salle",
        {"ballot": ballot.pk, "seat": f"{member.pk}-0", "choice": "yes"},
    )
    assert response.status_code == 403
    assert not Vote.objects.filter(ballot=ballot).exists()


def test_values_typed_are_kept_when_refused(as_user, people, meeting, session):
    _item, _proposal = session
    client = as_user(people.members[0].user)
    response = client.post(
        url(meeting, "salle") + "?do=amender",
        {"proposal": "0-0", "paragraph": 2, "op": "replace", "text": "Mon texte soigné"},
    )
    assert response.status_code == 400
    assert "Mon texte soigné" in response.content.decode()


def test_the_resync_endpoint_gives_each_audience_its_fragments(as_user, client, people, meeting):
    response = client.get(f"/seances/{meeting.pk}/direct/fragments/?audience=public")
    assert response.status_code == 200
    assert "live-ballots" in response.json()["fragments"]
    assert client.get(f"/seances/{meeting.pk}/direct/fragments/?audience=members").status_code == (
        403
    )
    member = as_user(people.members[0].user)
    fragments = member.get(f"/seances/{meeting.pk}/direct/fragments/?audience=members").json()[
        "fragments"
    ]
    assert "live-participate" in fragments
    assert f"my-vote-{meeting.pk}" in fragments


def grow(people, meeting, item, proposal, times: int) -> None:
    """More comments, amendments and attendance rows for the room to show."""
    version = proposal.versions.get()
    author = people.members[0].user
    for n in range(times):
        actions.check_add_comment(proposal, f"Commentaire {n}", acting_user=author)
        actions.check_propose_amendment(
            proposal,
            base_version_id=version.pk,
            operations=[{"op": "replace", "paragraph": 1, "text": f"Variante {n}"}],
            acting_user=author,
        )
    for membership in people.substitutes:
        actions.check_set_attendance(
            meeting, membership.pk, Attendance.Status.EXCUSED, acting_user=people.secretary.user
        )


@pytest.mark.parametrize(
    ("room", "who"), [("direct", "resident"), ("salle", "member"), ("presidence", "chair")]
)
def test_room_queries_do_not_grow_with_the_data(
    as_user, people, meeting, session, django_assert_max_num_queries, room, who
):
    item, proposal = session
    open_ballot(people, item, proposal)
    user = {
        "resident": people.resident,
        "member": people.members[1].user,
        "chair": people.chair.user,
    }[who]
    client = as_user(user)
    grow(people, meeting, item, proposal, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(meeting, room)).status_code == 200
    grow(people, meeting, item, proposal, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(meeting, room))
    assert response.status_code == 200
    assert response.content.decode().count('class="changes"') == 11


def test_a_vote_through_the_page_reads_the_ballot_and_who_sits_once_each(
    people, meeting, session, as_user
):
    """Before the vote is written: the page's reading of the ballot, then the row lock's;
    who sits is read once, for the right to vote and the vote together."""
    item, proposal = session
    ballot = open_ballot(people, item, proposal)
    client = as_user(people.members[1].user)
    with CaptureQueriesContext(connection) as context:
        response = client.post(
            url(meeting, "salle") + "?do=voter", {"ballot": ballot.pk, "choice": "no"}
        )
    assert response.status_code == 302
    sql = [q["sql"] for q in context.captured_queries]
    written = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "deliberation_vote"'))
    assert sum('FROM "deliberation_ballot"' in q for q in sql[:written]) == 2
    assert sum('FROM "deliberation_attendance"' in q for q in sql[:written]) == 1
    assert Vote.objects.get(ballot=ballot, voter=people.members[1]).choice == "no"
