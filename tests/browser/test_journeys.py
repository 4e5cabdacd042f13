"""A member's first visit, with JavaScript on and off: home → log in → Mon espace → log out."""

import re

import pytest

from cms.demo import DEMO_PASSWORD
from council.models import User
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

MEMBER_EMAIL = "membre1@example.org"


def _last_login(email):
    return User.objects.get(email=email).last_login


def test_member_logs_in_sees_membership_and_logs_out(demo_site_live, page, on_main_thread):
    assert on_main_thread(_last_login, MEMBER_EMAIL) is None

    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Se connecter").click()
    assert re.search(r"/accounts/login/", page.url)

    log_in(page, MEMBER_EMAIL, DEMO_PASSWORD)
    assert on_main_thread(_last_login, MEMBER_EMAIL) is not None

    # Back home, signed in: the navigation now leads to the member's space.
    assert nav.get_by_role("link", name="Se connecter").count() == 0
    nav.get_by_role("link", name="Mon espace").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mon espace"
    mandates = page.locator("main ul.card-list > li")
    assert mandates.count() == 1
    assert "Conseil consultatif du numérique" in mandates.first.inner_text()
    assert "vice-président·e" in mandates.first.inner_text()

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")
    # allauth may ask for confirmation on its own page; the member confirms.
    if "/accounts/logout/" in page.url:
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
    assert nav.get_by_role("link", name="Se connecter").is_visible()
    assert nav.get_by_role("link", name="Mon espace").count() == 0
    page.goto("/espace/")
    assert "/accounts/login/" in page.url
