"""Member pages with mandates ended and replaced, the council's current composition and its
delegates, following a member, and the CSV of open votes by member."""

from __future__ import annotations

import csv
import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import CouncilPage
from council.actions import do_add_membership, do_replace_member
from council.models import EndReason, Membership, Role
from council.notifications.models import Delivery, Notice, Subscription
from council.selectors import member_name
from deliberation import actions
from deliberation.actions import do_create_meeting
from deliberation.models import Decision
from tests.cms.pages.test_member_pages import hold, member_url
from tests.council.account_helpers import links_in
from tests.deliberation.conftest import People, Session
from tests.factories import make_user

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def people(council):
    return People(council)


def _replace(people, decision: str = ""):
    return do_replace_member(
        people.members[4],
        people.substitutes[0].user,
        day=YESTERDAY,
        reason=EndReason.RESIGNATION,
        decision=decision,
        acting_user=None,
    )


def _delegate(people, user, n: int, decision: str = ""):
    mandate = do_add_membership(
        user,
        people.council,
        Role.DELEGATE,
        start=datetime.date(2021, 1, n),
        has_voting_right=False,
        acting_user=None,
    )
    mandate.body, mandate.start_decision = f"Commission {n}", decision
    mandate.save(update_fields=["body", "start_decision"])
    return mandate


def test_a_replaced_member_and_their_successor_link_to_each_other(client, council_page, people):
    hold(people, 1)
    decision = Decision.objects.filter(secrecy="open").get()
    seat = _replace(people, decision.reference)
    link = f'href="/decisions/numerique/{decision.year}/{decision.number}/"'

    page = client.get(member_url(council_page, people.members[4])).content.decode()
    mandates = re.search(r"<h2>Mandats</h2>.*?</ul>", page, re.S).group(0)
    assert "démission" in mandates and link in mandates
    assert "Remplacé·e par" in mandates
    assert f'href="{member_url(council_page, seat)}"' in mandates

    page = client.get(member_url(council_page, seat)).content.decode()
    mandates = re.search(r"<h2>Mandats</h2>.*?</ul>", page, re.S).group(0)
    assert "Succède à" in mandates and link in mandates
    assert f'href="{member_url(council_page, people.members[4])}"' in mandates
    # Their former substitute mandate is listed too, ended for the change of office.
    assert "changement de fonction" in mandates


def test_an_unknown_decision_number_is_shown_without_a_link(client, council_page, people):
    _replace(people, "99/2026")
    page = client.get(member_url(council_page, people.members[4])).content.decode()
    assert "décision n° 99/2026" in page and "/decisions/numerique/2026/99/" not in page


def test_the_council_page_lists_current_mandates_and_delegates(client, council_page, people):
    seat = _replace(people)
    _delegate(people, people.members[0].user, 1)
    page = client.get(council_page.url).content.decode()
    members = re.search(r'<h2 id="members">.*?(?=<h2 id="delegates">)', page, re.S).group(0)
    assert member_url(council_page, people.members[4]) not in members
    assert member_url(council_page, seat) in members
    delegates = re.search(r'<h2 id="delegates">.*?</ul>', page, re.S).group(0)
    assert "Commission 1" in delegates
    assert member_url(council_page, people.members[0]) in delegates


def test_a_member_page_takes_no_more_queries_at_ten_times_the_data(
    client, council_page, people, django_assert_max_num_queries
):
    member = people.members[0]
    hold(people, 1)
    _delegate(people, member.user, 1, "1/2026")
    url = member_url(council_page, member)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(2, 11):
        hold(people, n)
        _delegate(people, member.user, n, f"{n}/2026")
    with django_assert_max_num_queries(len(small)):
        page = client.get(url).content.decode()
    assert page.count("Commission ") == 10


def test_a_resident_follows_a_member_and_hears_only_of_their_open_votes(
    client, council_page, people, mailoutbox, django_capture_on_commit_callbacks
):
    followed, author, silent = people.members[4], people.members[1], people.members[2]
    page = client.get(member_url(council_page, followed)).content.decode()
    action = reverse("notification_follow_member", args=[followed.user.pk])
    assert f'action="{action}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"email": "Voisin@Example.be", "next": "/"})
    assert response.status_code == 302
    subscription = Subscription.objects.get(email="voisin@example.be")
    assert subscription.member == followed.user and not subscription.is_active
    confirm = next(link for link in links_in(mailoutbox[-1].body) if "confirmer" in link)
    client.post(urlsplit(confirm).path)
    subscription.refresh_from_db()
    assert subscription.is_active
    # Others follow the member who tables the proposal, and one who does nothing public.
    others = {
        m.pk: Subscription.objects.create(
            email=f"autre{m.pk}@example.be",
            member=m.user,
            channel="email",
            events=[Notice.MEMBER_ACTIVITY],
            confirmed_at=timezone.now(),
        )
        for m in (author, silent)
    }
    with django_capture_on_commit_callbacks(execute=True):
        hold(people, 1)  # one open ballot (followed votes "no") and one secret ballot
    activity = Delivery.objects.filter(event=Notice.MEMBER_ACTIVITY, subscription=subscription)
    tabled = Delivery.objects.filter(event=Notice.MEMBER_ACTIVITY, subscription=others[author.pk])
    assert tabled.get().subject.endswith("Recommandation sur les guichets")
    assert not Delivery.objects.filter(subscription=others[silent.pk]).exists()
    subject = activity.get().subject
    assert "contre" in subject and "Question nominative 1.0" in subject


def test_an_account_follows_a_member_at_once(client, council_page, people):
    resident = make_user()
    client.force_login(resident)
    url = reverse("notification_follow_member", args=[people.members[4].user.pk])
    assert client.post(url, {"channel": "sms"}).status_code == 400
    response = client.post(url, {"channel": "email", "next": council_page.url})
    assert response.status_code == 302 and response["Location"] == council_page.url
    assert Subscription.objects.active().get(user=resident).member == people.members[4].user
    mine = client.get(reverse("my_notifications")).content.decode()
    assert "Membres que vous suivez" in mine and "ne plus suivre" in mine
    # Nobody without a public mandate can be followed.
    secretary = reverse("notification_follow_member", args=[people.secretary.user.pk])
    assert client.get(secretary).status_code == 404


def _rows(client, query: str = "") -> list[list[str]]:
    response = client.get(reverse("cms:votes_csv") + query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_votes_csv_holds_open_public_choices_only_and_no_formula(client, people):
    hold(people, 1)  # an open and a secret ballot
    meeting = do_create_meeting(
        people.council,
        title="Séance à huis clos",
        start=timezone.now() + datetime.timedelta(hours=2),
        place="Salle du conseil",
        items=[("Approbation du procès-verbal", "minutes_approval"), ("Personnel", "decision")],
        acting_user=people.secretary.user,
    )
    meeting.agenda_items.filter(number=2).update(is_public=False)
    closed = Session(people, meeting)
    ballot = closed.open_ballot(question="Question à huis clos ?")
    actions.check_cast_vote(ballot.pk, "no", acting_user=people.members[4].user)
    actions.check_close_ballot(ballot.pk, acting_user=closed.chair)
    later = do_create_meeting(
        people.council,
        title="Séance suivante",
        start=timezone.now() + datetime.timedelta(hours=3),
        place="Salle du conseil",
        items=[("Approbation du procès-verbal", "minutes_approval"), ("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    public = Session(people, later)
    ballot = public.open_ballot(question='=HYPERLINK("http://x","y")')
    actions.check_cast_vote(ballot.pk, "yes", acting_user=people.members[4].user)
    actions.check_close_ballot(ballot.pk, acting_user=public.chair)

    rows = _rows(client)
    header, body = rows[0], rows[1:]
    assert header[:7] == ["conseil", "décision", "date", "question", "membre", "choix", "canal"]
    questions = {row[3] for row in body}
    assert questions == {"Question nominative 1.0 ?", '\'=HYPERLINK("http://x","y")'}
    assert not any("secrète" in cell or "huis clos" in cell for row in body for cell in row)
    # One row per (decision, member): the proxy vote counts for the member it was cast for.
    first = [row for row in body if row[3] == "Question nominative 1.0 ?"]
    assert sorted(row[4] for row in first) == sorted(
        [member_name(people.members[4].user), member_name(people.members[5].user)]
    )
    proxy = next(row for row in first if row[4] == member_name(people.members[5].user))
    assert (proxy[5], proxy[6]) == ("pour", "par procuration")

    mine = _rows(client, f"?conseil=numerique&membre={people.members[5].user.pk}")[1:]
    assert [row[4] for row in mine] == [member_name(people.members[5].user)]
    response = client.get(reverse("cms:votes_csv") + "?membre=abc")
    assert response.status_code == 400


def test_the_demo_shows_a_resignation_and_the_substitute_who_took_the_seat(client, demo_site):
    page = CouncilPage.objects.live().get(locale__language_code="fr")
    council = client.get(page.url).content.decode()
    members = re.search(r'<h2 id="members">.*?(?=<h2 id="delegates">)', council, re.S).group(0)
    assert "Paul Wauters" in members and "Pierre Lejeune" not in members
    delegates = re.search(r'<h2 id="delegates">.*?</ul>', council, re.S).group(0)
    assert "Luc Peeters" in delegates
    assert "pierre-lejeune-" not in council  # no longer listed; their page still exists
    ended = Membership.objects.get(user__email="membre7@example.org", role=Role.MEMBER)
    assert ended.end_reason == EndReason.RESIGNATION and ended.end_decision
    record = client.get(member_url(page, ended)).content.decode()
    assert "démission" in record and "Paul Wauters" in record and "Remplacé·e par" in record


def test_a_replacement_tells_both_members_followers_with_a_link_to_their_page(
    client, council_page, people, django_capture_on_commit_callbacks
):
    followers = {
        m.user.pk: Subscription.objects.create(
            email=f"suit{m.pk}@example.be",
            member=m.user,
            channel="email",
            events=[Notice.MEMBER_ACTIVITY],
            confirmed_at=timezone.now(),
        )
        for m in (people.members[4], people.substitutes[0])
    }
    with django_capture_on_commit_callbacks(execute=True):
        seat = _replace(people, "14/2026")
    for user_id, subscription in followers.items():
        delivery = Delivery.objects.get(subscription=subscription)
        assert "un mandat commence ou prend fin" in delivery.subject
        assert delivery.link == reverse("cms:member", args=[user_id])
    response = client.get(reverse("cms:member", args=[seat.user_id]))
    assert response.status_code == 302 and response["Location"] == member_url(council_page, seat)
    assert client.get(reverse("cms:member", args=[people.secretary.user_id])).status_code == 404
