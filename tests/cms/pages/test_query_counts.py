"""Each page type runs the same number of queries when its content grows tenfold."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document

from cms.models import StandardPage
from council.models import Role
from deliberation.actions import do_save_meeting
from tests.cms.conftest import add_meeting, add_news, add_recommendation, publish
from tests.factories import make_membership, make_user


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm Wagtail's per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_constant(grow, url_of, django_assert_max_num_queries, base=2, factor=10):
    """Measure with `base` items, grow to base × factor, and demand no more queries."""
    client = Client()
    grow(0, base)
    small = count_queries(client, url_of())
    grow(base, base * factor)
    client.get(url_of())
    with django_assert_max_num_queries(small):
        assert client.get(url_of()).status_code == 200
    return small


def test_home_page(
    home, recommendation_index, news_index, meeting_index, council, django_assert_max_num_queries
):
    def grow(start, stop):
        for n in range(start, stop):
            add_recommendation(recommendation_index, n)
            add_news(news_index, n)
            add_meeting(council, meeting_index, n)

    assert_constant(grow, lambda: "/", django_assert_max_num_queries)


def test_council_page(council_page, council, django_assert_max_num_queries):
    def grow(start, stop):
        for _n in range(start, stop):
            make_membership(Role.MEMBER, council, make_user(), organisation="Association")

    assert_constant(grow, lambda: council_page.url, django_assert_max_num_queries)


def test_recommendation_index_and_page(recommendation_index, django_assert_max_num_queries):
    def grow(start, stop):
        for n in range(start, stop):
            add_recommendation(recommendation_index, n)

    assert_constant(grow, lambda: recommendation_index.url, django_assert_max_num_queries)
    long_one = add_recommendation(
        recommendation_index, 999, body=[("paragraph", f"<p>§ {n}</p>") for n in range(50)]
    )
    short_one = add_recommendation(recommendation_index, 998)
    client = Client()
    assert count_queries(client, long_one.url) == count_queries(client, short_one.url)


def test_news_index(news_index, django_assert_max_num_queries):
    def grow(start, stop):
        for n in range(start, stop):
            add_news(news_index, n)

    assert_constant(grow, lambda: news_index.url, django_assert_max_num_queries)


def test_meeting_index(meeting_index, council, django_assert_max_num_queries):
    import datetime

    from django.utils import timezone

    def grow(start, stop):
        for n in range(start, stop):
            add_meeting(council, meeting_index, n)
            add_meeting(
                council,
                meeting_index,
                1000 + n,
                start=timezone.now() - datetime.timedelta(days=n + 1),
            )

    assert_constant(grow, lambda: meeting_index.url, django_assert_max_num_queries)


def test_meeting_page_with_agenda_and_documents(
    meeting_index, council, django_assert_max_num_queries
):
    meeting, page = add_meeting(council, meeting_index, 1, items=[])

    def grow(start, stop):
        from deliberation.models import AgendaItem

        items = list(meeting.agenda_items.all())
        for n in range(start, stop):
            item = AgendaItem(title=f"Point {n}", description="Texte.", kind="debate")
            items.append(item)
        meeting.agenda_items = items
        do_save_meeting(meeting, acting_user=None)
        for item in meeting.agenda_items.all()[start:stop]:
            document = Document.objects.create(
                title=f"Annexe {item.pk}", file=ContentFile(b"annexe", name="annexe.txt")
            )
            item.documents.add(document)
            item.save()

    assert_constant(grow, lambda: page.url, django_assert_max_num_queries)


def test_standard_page(home, django_assert_max_num_queries):
    page = StandardPage.objects.get(slug="accessibilite")
    big = publish(
        home,
        StandardPage(
            title="Longue page",
            slug="longue",
            body=[("paragraph", f"<p>Paragraphe {n}</p>") for n in range(100)],
        ),
    )
    client = Client()
    assert count_queries(client, big.url) <= count_queries(client, page.url)


def test_search_results(recommendation_index, django_assert_max_num_queries):
    def grow(start, stop):
        for n in range(start, stop):
            add_recommendation(recommendation_index, n, summary="Guichet ouvert.")

    assert_constant(
        grow, lambda: "/recherche/?q=guichet", django_assert_max_num_queries, base=3, factor=10
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
