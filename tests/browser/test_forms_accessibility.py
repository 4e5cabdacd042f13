"""The pages behind a login and the forms not reached from the sitemap, in each state a person
meets — empty, refused, done — with JavaScript on and off: 0 axe violations (WCAG 2.1 AA).

Covers the mediation desk and its receipt slip, the public follow-up page (/suivi/) with an
unknown and a known code, Mon espace with its data page, the secretariat's invitation form,
and a member's view of the live pages of the upcoming meeting."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser


def _submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state("load")


def _audit(page, found: dict[str, list[str]], name: str, path: str | None = None) -> None:
    if path is not None:
        response = page.goto(path)
        # A refusal answers 4xx with its page (an unknown receipt code: 404); never a 500.
        assert response is not None and response.status < 500, (path, response and response.status)
    found[name] = axe_violations(page)


@pytest.fixture
def demo_targets(demo_site_live) -> tuple[str, int]:
    """A demo receipt code and the upcoming meeting's id (read here, in the main thread)."""
    from deliberation.models import Contribution, Meeting

    contribution = Contribution.objects.filter(consent_to_publish=True).first()
    upcoming = Meeting.objects.filter(state=Meeting.State.CONVENED).order_by("start").first()
    assert contribution is not None and upcoming is not None
    return contribution.receipt_code, upcoming.pk


@pytest.mark.timeout(900)
def test_signed_in_pages_and_form_states_have_no_axe_violations(demo_targets, page, js_enabled):
    code, meeting_id = demo_targets
    found: dict[str, list[str]] = {}

    # The public follow-up page: empty, an unknown code (refused), a known one.
    _audit(page, found, "suivi", "/suivi/")
    _audit(page, found, "suivi, code inconnu", "/suivi/?code=ZZZ-ZZZ")
    assert page.locator("#id_code[aria-invalid=true]").count() == 1
    _audit(page, found, "suivi, code connu", f"/suivi/?code={code}")

    # The mediation desk: the form, its refusal, a recorded contribution's slip.
    sign_in(page, "guichet@example.org")
    _audit(page, found, "guichet", "/guichet/")
    _submit(page)
    assert page.locator(".error-summary").count() == 1
    _audit(page, found, "guichet, erreurs")
    _audit(page, found, "reçu", f"/guichet/recu/{code}/")

    # A member: Mon espace, the data page, the upcoming meeting's room and live page.
    page.context.clear_cookies()
    sign_in(page, "membre2@example.org")
    _audit(page, found, "mon espace", "/espace/")
    _audit(page, found, "mes données", "/espace/mes-donnees/")
    _audit(page, found, "salle des membres", f"/seances/{meeting_id}/salle/")
    _audit(page, found, "direct", f"/seances/{meeting_id}/direct/")

    # The secretariat's invitation form, empty and refused.
    page.context.clear_cookies()
    sign_in(page, "secretariat@example.org")
    _audit(page, found, "inviter", "/espace/inviter/")
    # What the browser's own checks let through and the server refuses: a mandate ending
    # before it starts.
    page.fill("input[name=email]", "nouvelle.membre@example.org")
    page.fill("input[name=first_name]", "Nadia")
    page.fill("input[name=last_name]", "Lambert")
    page.fill("input[name=start]", "2026-12-01")
    page.fill("input[name=end]", "2026-01-01")
    _submit(page)
    assert page.locator(".error-summary").count() == 1
    _audit(page, found, "inviter, erreurs")

    problems = {name: v for name, v in found.items() if v}
    assert not problems, problems
