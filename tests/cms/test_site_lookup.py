"""The site of each host is read from the cache, and forgotten as soon as sites change."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from cms import site_lookup
from cms.models import StandardPage
from tests.cms.conftest import publish

pytestmark = pytest.mark.django_db


def site_queries(client: Client, path: str = "/") -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, [q["sql"] for q in context.captured_queries if "wagtailcore_site" in q["sql"]]


def test_the_second_request_reads_no_site(home):
    client = Client()
    _response, first = site_queries(client)
    assert first  # the lookup, and Wagtail's site root paths (kept in the cache too)
    response, second = site_queries(client)
    assert second == []
    assert home.title in response.content.decode()
    assert cache.get(site_lookup.KEY)["testserver:80"].root_page_id == home.pk


def test_a_new_root_page_is_served_on_the_next_request(home):
    client = Client()
    client.get("/")
    other = publish(
        Page.get_first_root_node(),
        StandardPage(title="Un autre site", slug="autre-site", body=[]),
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    page = client.get("/").content.decode()
    assert "Un autre site" in page
    assert home.title not in page


def test_a_site_for_this_host_is_used_on_the_next_request(home):
    client = Client()
    client.get("/")
    other = publish(
        Page.get_first_root_node(),
        StandardPage(title="Le site du guichet", slug="guichet", body=[]),
    )
    Site.objects.create(hostname="testserver", port=80, root_page=other)
    assert "Le site du guichet" in client.get("/").content.decode()


def test_without_a_site_the_next_request_finds_no_page(home):
    client = Client()
    assert client.get("/").status_code == 200
    Site.objects.all().delete()
    assert client.get("/").status_code == 404


def test_a_moved_root_page_is_read_again(home):
    client = Client()
    client.get("/")
    assert cache.get(site_lookup.KEY)
    holder = publish(Page.get_first_root_node(), StandardPage(title="Archives", slug="archives"))
    home.move(holder, pos="last-child")
    assert cache.get(site_lookup.KEY) is None
    assert client.get("/").status_code == 200


def test_a_host_outside_allowed_hosts_is_refused_before_the_cache(home):
    client = Client()
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "attacker.example:80" not in (cache.get(site_lookup.KEY) or {})


def test_a_request_that_shows_no_page_reads_no_site(home):
    client = Client()
    with CaptureQueriesContext(connection) as context:
        assert client.get("/healthz").status_code == 200
    assert not [q for q in context.captured_queries if "wagtailcore_site" in q["sql"]]
    assert cache.get(site_lookup.KEY) is None


def test_a_page_outside_wagtail_reads_its_site_from_the_cache_too(home):
    client = Client()
    client.get("/")
    _response, queries = site_queries(client, "/decisions/")
    assert queries == []
