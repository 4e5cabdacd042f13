"""The site of each host is read from the cache, and forgotten as soon as sites change."""

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, Site

from cms import site_cache
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
    assert cache.get(site_cache.SITES_KEY)["testserver:80"].root_page_id == home.pk


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
    assert cache.get(site_cache.SITES_KEY)
    holder = publish(Page.get_first_root_node(), StandardPage(title="Archives", slug="archives"))
    home.move(holder, pos="last-child")
    assert cache.get(site_cache.SITES_KEY) is None
    assert client.get("/").status_code == 200


def test_a_host_outside_allowed_hosts_is_refused_before_the_cache(home):
    client = Client()
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "attacker.example:80" not in (cache.get(site_cache.SITES_KEY) or {})


def test_a_request_that_shows_no_page_reads_no_site(home):
    client = Client()
    with CaptureQueriesContext(connection) as context:
        assert client.get("/healthz").status_code == 200
    assert not [q for q in context.captured_queries if "wagtailcore_site" in q["sql"]]
    assert cache.get(site_cache.SITES_KEY) is None


def test_a_page_outside_wagtail_reads_its_site_from_the_cache_too(home):
    client = Client()
    client.get("/")
    _response, queries = site_queries(client, "/decisions/")
    assert queries == []


# --- The frame's pages -------------------------------------------------------------------


def nav(client: Client, path: str = "/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('<ul class="nav">') : page.index("</nav>")]


def test_the_home_page_reads_its_frame_once(home):
    def menu_queries(client: Client) -> list[str]:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/").status_code == 200
        wheres = [q["sql"].partition(" WHERE ")[2] for q in context.captured_queries]
        return [w for w in wheres if '"show_in_menus"' in w]

    client = Client()
    assert len(menu_queries(client)) == 1
    assert menu_queries(client) == []
    assert cache.get(site_cache.FRAMES_KEY)


def test_a_page_published_in_the_menu_shows_on_the_next_request(home):
    client = Client()
    assert "Maisons multiservices" not in nav(client)
    page = publish(
        home, StandardPage(title="Maisons multiservices", slug="mms", show_in_menus=True)
    )
    assert "Maisons multiservices" in nav(client)

    page.title = "Maisons de services"
    page.save_revision().publish()
    assert "Maisons de services" in nav(client)

    page.unpublish()
    assert "Maisons de services" not in nav(client)


def test_a_menu_page_moved_or_deleted_leaves_the_menu(home):
    client = Client()
    epn = publish(home, StandardPage(title="Les EPN", slug="epn", show_in_menus=True))
    holder = publish(home, StandardPage(title="Lieux", slug="lieux"))
    assert "Les EPN" in nav(client)
    epn.move(holder, pos="last-child")
    assert "Les EPN" not in nav(client)

    guichets = publish(home, StandardPage(title="Guichets", slug="guichets", show_in_menus=True))
    assert "Guichets" in nav(client)
    guichets.delete()
    assert "Guichets" not in nav(client)


def test_a_translation_of_the_home_page_is_linked_on_the_next_request(home):
    client = Client()
    alternate = '<link rel="alternate" hreflang="nl" href="http://testserver/nl/">'
    assert alternate not in client.get("/").content.decode()
    dutch = home.copy_for_translation(Locale.objects.get(language_code="nl"))
    dutch.title = "Welkom bij de raad"
    dutch.save_revision().publish()
    assert alternate in client.get("/").content.decode()


def test_a_footer_page_created_later_is_linked(home):
    client = Client()
    StandardPage.objects.filter(slug="accessibilite").delete()
    assert '<a href="">Déclaration' in client.get("/").content.decode()
    page = publish(home, StandardPage(title="Accessibilité", slug="accessibilite"))
    assert f'<a href="{page.url}">Déclaration' in client.get("/").content.decode()


def test_what_is_kept_expires_as_the_page_caches_entries(home, settings):
    # A command run beside a server on local memory cannot forget the server's entries:
    # they are read again after PAGE_CACHE_TIMEOUT.
    settings.PAGE_CACHE_TIMEOUT = 1
    Client().get("/")
    assert cache.get(site_cache.SITES_KEY) and cache.get(site_cache.FRAMES_KEY)
    time.sleep(1.2)
    assert cache.get(site_cache.SITES_KEY) is None
    assert cache.get(site_cache.FRAMES_KEY) is None
