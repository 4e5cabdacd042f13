"""0 axe violations (WCAG 2.1 A and AA) on the public and account pages, with JavaScript on
and off, in their first state and in their error state."""

import pytest

from tests.browser.helpers import axe_violations, js_disabled

pytestmark = pytest.mark.browser

PAGES = {
    "accueil": "/",
    "accueil en anglais": "/en/",
    "connexion": "/accounts/login/",
    "inscription": "/accounts/signup/",
    "mot de passe oublié": "/accounts/password/reset/",
}


def _submit(page):
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state("load")


def test_public_and_account_pages_have_no_axe_violations(demo_site_live, page):
    found = {}
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (name, response)
        found[name] = axe_violations(page)

    response = page.goto("/cette-page-n-existe-pas/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    found["page introuvable (404)"] = axe_violations(page)

    # Error states: a wrong password, and a signup with mismatched, too short passwords.
    page.goto(PAGES["connexion"])
    page.fill("input[name=login]", "personne@example.org")
    page.fill("input[name=password]", "pas-le-bon-mot-de-passe")
    _submit(page)
    assert "/accounts/login/" in page.url
    found["connexion, erreur"] = axe_violations(page)

    page.goto(PAGES["inscription"])
    page.fill("input[name=email]", "pas-une-adresse")
    page.fill("input[name=password1]", "court")
    page.fill("input[name=password2]", "autre")
    _submit(page)
    assert "/accounts/signup/" in page.url
    found["inscription, erreur"] = axe_violations(page)

    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in failures.items()
    )


def test_axe_helper_reports_violations(live_server_url, page):
    """The audit really runs, with and without JavaScript: a faulty page is caught."""
    page.route(
        "**/faulty/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                "<!doctype html><html><head><title>x</title></head><body>"
                "<main><h1>Faulty</h1><img src='/static/none.png'>"
                "<form><input type='text' name='q'></form>"
                "<noscript><p><a href='#'></a></p></noscript></main></body></html>"
            ),
        ),
    )
    page.goto("/faulty/")
    violations = axe_violations(page)
    rules = {line.split(" ", 1)[0] for line in violations}
    assert {"html-has-lang", "image-alt", "label"} <= rules, violations
    # Without JavaScript the <noscript> content is shown, and audited: an empty link.
    assert ("link-name" in rules) is js_disabled(page), violations
