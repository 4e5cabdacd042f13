"""A member's public page: mandates, attendance, speaking turns, texts tabled and their choice
in every open ballot — never anything from a secret ballot or a closed session."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from council.selectors import member_slug
from deliberation import actions
from deliberation.actions import do_create_meeting
from tests.deliberation.conftest import People, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(council):
    return People(council)


def hold(people, n: int, *, open_ballots: int = 1, secret_ballots: int = 1) -> Session:
    """A meeting held and closed: members[4] at home votes "no" in every open ballot and
    "yes" in every secret one; members[0] votes "yes" for members[5] by proxy."""
    meeting = do_create_meeting(
        people.council,
        title=f"Séance {n}",
        start=timezone.now() + datetime.timedelta(hours=1),
        place="Salle du conseil",
        items=[("Approbation du procès-verbal", "minutes_approval"), ("Guichets", "decision")],
        acting_user=people.secretary.user,
    )
    session = Session(people, meeting)
    member, proxy_holder, absent = people.members[4], people.members[0], people.members[5]
    for i in range(open_ballots):
        ballot = session.open_ballot(question=f"Question nominative {n}.{i} ?")
        actions.check_cast_vote(ballot.pk, "no", acting_user=member.user)
        actions.check_cast_vote(
            ballot.pk, "yes", acting_user=proxy_holder.user, proxy_for_id=absent.pk
        )
        actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    for i in range(secret_ballots):
        ballot = session.open_ballot(question=f"Question secrète {n}.{i} ?", secrecy="secret")
        actions.check_cast_vote(ballot.pk, "yes", acting_user=member.user)
        actions.check_record_room_totals(
            ballot.pk, yes=3, no=2, abstain=1, acting_user=session.secretary
        )
        actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    actions.check_close_meeting(meeting, acting_user=session.chair)
    return session


def member_url(council_page, membership) -> str:
    return council_page.url + council_page.reverse_subpage(
        "member", kwargs={"slug": member_slug(membership.user)}
    )


def test_the_council_page_links_each_member_to_their_page(client, council_page, people):
    page = client.get(council_page.url).content.decode()
    for membership in people.voting:
        assert f'href="{member_url(council_page, membership)}"' in page
    # The secretariat staffs the council; it has no seat and no page.
    assert member_slug(people.secretary.user) not in page


def test_a_member_page_shows_open_choices_and_nothing_of_secret_ballots(
    client, council_page, people
):
    hold(people, 1)
    response = client.get(member_url(council_page, people.members[4]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Question nominative 1.0 ?" in page
    row = re.search(r"<tr>(?:(?!</tr>).)*Question nominative 1\.0 \?.*?</tr>", page, re.S)
    assert row and "Contre" in row.group(0)
    assert re.search(r'href="/decisions/numerique/\d{4}/\d+/"', row.group(0))
    # Neither the secret ballot's question nor any choice in it.
    assert "Question secrète" not in page
    # At home for the whole meeting: present, remotely.
    attendance = re.search(r"<caption>Séances tenues.*?</table>", page, re.S).group(0)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", attendance)
    assert cells == ["1", "0", "1", "0", "0", "100 %"]


def test_a_proxy_vote_is_shown_on_the_page_of_the_member_it_counted_for(
    client, council_page, people
):
    hold(people, 1)
    page = client.get(member_url(council_page, people.members[5])).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*Question nominative 1\.0 \?.*?</tr>", page, re.S)
    assert row and "Pour" in row.group(0) and "par procuration" in row.group(0)
    # Absent, with a proxy given.
    attendance = re.search(r"<caption>Séances tenues.*?</table>", page, re.S).group(0)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", attendance) == ["1", "0", "0", "0", "1", "0 %"]


def test_a_closed_session_vote_stays_off_the_member_page(client, council_page, people):
    session = hold(people, 1, open_ballots=0, secret_ballots=0)
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
    actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    page = client.get(member_url(council_page, people.members[4])).content.decode()
    assert "Question à huis clos" not in page


def test_a_member_page_takes_the_same_queries_at_ten_times_the_record(client, council_page, people):
    hold(people, 1, open_ballots=1, secret_ballots=1)
    url = member_url(council_page, people.members[4])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(2, 11):
        hold(people, n, open_ballots=1, secret_ballots=1)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert page.count("Question nominative") == 10
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


def test_a_wrong_member_address_is_redirected_or_not_found(client, council_page, people):
    canonical = member_url(council_page, people.members[4])
    stale = council_page.url + f"membres/ancien-nom-{people.members[4].user.pk}/"
    response = client.get(stale)
    assert response.status_code == 301 and response["Location"] == canonical
    assert client.get(council_page.url + "membres/personne-999999/").status_code == 404
    assert client.get(council_page.url + "membres/sans-numero/").status_code == 404
    secretary = council_page.url + f"membres/sam-{people.secretary.user.pk}/"
    assert client.get(secretary).status_code == 404
