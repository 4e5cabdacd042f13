"""The queries each public page type runs on the demo, as `make run` serves it: ceilings
that a change may lower, never raise without saying why."""

import re

from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import MeetingPage
from tests.cms.conftest import add_news
from tests.cms.pages.test_query_counts import count_queries

HOME_CEILING = 8
# The figures measured when these ceilings were set.
CEILINGS = {"meeting page": 17, "/decisions/": 5, "decision page": 10}


def test_public_pages_stay_under_their_query_ceilings(demo_site):
    client = Client()
    for home in ("/", "/nl/", "/en/"):
        assert count_queries(client, home) <= HOME_CEILING, home
    meeting = MeetingPage.objects.live().filter(locale__language_code="fr").first()
    archive = client.get("/decisions/").content.decode()
    decision = re.findall(r'href="(/decisions/[^/"]+/\d+/\d+/)"', archive)[0]
    urls = {"meeting page": meeting.url, "/decisions/": "/decisions/", "decision page": decision}
    for name, url in urls.items():
        assert count_queries(client, url) <= CEILINGS[name], name


def test_home_page_leaves_out_restricted_pages(home, news_index):
    client = Client()
    shown, restricted = add_news(news_index, 1), add_news(news_index, 2)
    assert restricted.title in client.get("/").content.decode()
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    html = client.get("/").content.decode()
    assert shown.title in html
    assert restricted.title not in html
