"""The member pages as residents see them, on the demo site in a real Chromium:

* 0 axe violations on a member's page (Pierre Lejeune: mandates, nominal votes, a
  successor), the council page, the follow-a-member form (first and error state) and the
  secretariat's mandates screens (list, end-of-mandate form, its error state);
* a resident follows a member without JavaScript and reads the confirmation;
* the secretariat ends a mandate with a substitute without JavaScript, and the council
  page then lists the substitute among the full members;
* on a phone (375 px) and on desktops, neither page scrolls sideways, and the votes table
  is paginated.

Set SCREENSHOT_DIR to keep full-page screenshots of both pages at three widths.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

RESIDENT = "habitant@example.org"
SECRETARIAT = "secretariat@example.org"
VIEWPORTS = {"1920": (1920, 1080), "1280": (1280, 800), "375": (375, 812)}


def _paths() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cms.models import CouncilPage
    from council.models import Membership

    council_page = CouncilPage.objects.live().public().first()
    assert council_page is not None, "the demo has no council page"
    users = get_user_model().objects
    lejeune = users.get(last_name="Lejeune")
    wauters = users.get(last_name="Wauters")
    hermans = users.get(last_name="Hermans")
    dupont = users.get(last_name="Dupont")
    seat = Membership.objects.current().get(user=dupont, council=council_page.council)
    return {
        "council": council_page.url,
        "lejeune": council_page.url + council_page.member_path(lejeune),
        "wauters": council_page.url + council_page.member_path(wauters),
        "lejeune_id": lejeune.pk,
        "hermans": hermans.get_full_name(),
        "dupont": dupont.get_full_name(),
        "dupont_seat": seat.pk,
        "yesterday": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
    }


@pytest.fixture
def demo(demo_site_live: str) -> dict[str, Any]:
    return _paths()


def _ok(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response)


def _submit(form: Any) -> None:
    form.locator("button[type=submit]").first.click()
    form.page.wait_for_load_state("load")


def test_member_pages_have_no_axe_violations(demo, page):
    found: dict[str, list[str]] = {}
    _ok(page, demo["council"])
    found["conseil"] = axe_violations(page)
    _ok(page, demo["lejeune"])
    assert "Remplacé·e par" in page.inner_text("main")
    assert page.locator("#votes ~ table tbody tr").count() > 0
    found["membre (mandats, votes, successeur)"] = axe_violations(page)
    _ok(page, demo["wauters"])
    found["membre (successeur)"] = axe_violations(page)

    _ok(page, f"/notifications/membre/{demo['lejeune_id']}/")
    found["suivre un membre"] = axe_violations(page)
    page.fill("input[name=email]", "pas-une-adresse")
    # The server's own check, past the browser's: its message must be accessible too.
    page.locator("main form").evaluate("form => form.setAttribute('novalidate', '')")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary, [role=alert]").count() > 0, page.inner_text("main")
    found["suivre un membre, erreur"] = axe_violations(page)

    sign_in(page, SECRETARIAT)
    _ok(page, "/espace/mandats/")
    found["mandats"] = axe_violations(page)
    _ok(page, f"/espace/mandats/{demo['dupont_seat']}/fin/")
    found["fin de mandat"] = axe_violations(page)
    page.fill("input[name=decision]", "n'importe quoi")
    _submit(page.locator("main form[method=post]"))
    assert page.locator(".error-summary, [role=alert]").count() > 0, page.inner_text("main")
    found["fin de mandat, erreur"] = axe_violations(page)

    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in failures.items()
    )


@pytest.mark.parametrize("js_enabled", [False], ids=["nojs"])
def test_resident_follows_a_member_without_javascript(demo, page):
    sign_in(page, RESIDENT)
    _ok(page, demo["lejeune"])
    form = page.locator("main form", has=page.get_by_role("button", name="Suivre ce membre"))
    _submit(form)
    assert page.url.endswith(demo["lejeune"]), page.url
    assert "Vous suivez désormais l’activité publique de Pierre Lejeune" in page.inner_text("body")

    # Without an account: an address, then the page saying a confirmation link was sent.
    page.context.clear_cookies()
    _ok(page, demo["lejeune"])
    form = page.locator("main form", has=page.get_by_role("button", name="Suivre ce membre"))
    form.locator("input[name=email]").fill("voisine@example.org")
    _submit(form)
    assert "/notifications/" in page.url, page.url
    assert "confirm" in page.inner_text("main").lower(), page.inner_text("main")


@pytest.mark.parametrize("js_enabled", [False], ids=["nojs"])
def test_secretariat_replaces_a_member_by_a_substitute_without_javascript(demo, page):
    _ok(page, demo["council"])
    full_members = page.locator("h3:text-is('Membres effectifs') + ul.members")
    assert demo["hermans"] not in full_members.inner_text()

    sign_in(page, SECRETARIAT)
    _ok(page, "/espace/mandats/")
    page.get_by_role("link", name=f"Mettre fin au mandat de {demo['dupont']}").click()
    page.wait_for_load_state("load")
    form = page.locator("main form[method=post]")
    # Her last day was yesterday: the substitute sits from today.
    form.get_by_label("Dernier jour du mandat").fill(demo["yesterday"])
    form.get_by_label("Motif de fin").select_option(label="démission")
    form.get_by_label("Remplacé·e par").select_option(label=demo["hermans"])
    _submit(form)
    assert page.url.endswith("/espace/mandats/"), page.inner_text("main")
    assert f"Le mandat de {demo['dupont']} prend fin le" in page.inner_text("body")

    # The substitute sits from the next day: the council page lists her from then on.
    page.context.clear_cookies()
    _ok(page, demo["council"])
    assert demo["hermans"] in full_members.inner_text(), page.inner_text("main")


_WIDER_THAN_VIEWPORT = "document.documentElement.scrollWidth"
# A table that scrolls inside itself hides its last columns on a phone.
_TABLES_SCROLLING = (
    "[...document.querySelectorAll('main table')]"
    ".filter(t => t.scrollWidth > t.clientWidth).map(t => t.caption?.textContent)"
)


@pytest.mark.parametrize("js_enabled", [True], ids=["js"])
def test_member_and_council_pages_fit_phones_and_desktops(demo, page):
    keep = os.environ.get("SCREENSHOT_DIR")
    for width_name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        for name in ("council", "lejeune"):
            _ok(page, demo[name])
            assert page.evaluate(_WIDER_THAN_VIEWPORT) <= width, (name, width_name)
            assert page.evaluate(_TABLES_SCROLLING) == [], (name, width_name)
            if keep:
                page.screenshot(path=str(Path(keep) / f"{name}-{width_name}.png"), full_page=True)
    # A resident on a phone is not asked to scroll through every vote: 50 at most a page.
    assert page.locator("#votes ~ table tbody tr").count() <= 50
