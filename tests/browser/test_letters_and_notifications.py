"""A login letter from the secretariat to a first login, and the notification forms: every
page and error state with 0 axe violations, with JavaScript on and off."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "Orneval-Lettre-2026"


def _submit(page, selector: str = "main form") -> None:
    page.locator(selector).locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")


def test_login_letter_then_subscriptions(demo_site_live, page, js_enabled):
    found: dict[str, list[str]] = {}
    username = "jeanne.js" if js_enabled else "jeanne.nojs"

    sign_in(page, "secretariat@example.org")
    page.goto("/espace/compte-sans-email/")
    found["compte sans e-mail"] = axe_violations(page)
    # What the browser's own checks let through and the server refuses.
    page.fill("input[name=username]", "jeanne dupont")
    page.fill("input[name=first_name]", "Jeanne")
    page.fill("input[name=last_name]", "Dupont")
    _submit(page)
    assert page.locator(".error-summary").count() == 1
    found["compte sans e-mail, erreur"] = axe_violations(page)
    page.fill("input[name=username]", username)
    page.select_option("select[name=role]", "member")
    _submit(page)
    assert "/espace/lettre/" in page.url
    found["lettre"] = axe_violations(page)
    code = page.locator(".letter dd.slip-code").nth(1).inner_text().strip()
    assert len(code) == 14

    page.context.clear_cookies()
    page.goto("/connexion-courrier/")
    found["connexion courrier"] = axe_violations(page)
    page.fill("input[name=username]", username)
    page.fill("input[name=code]", "AAAA-BBBB-CCCC")
    _submit(page)
    assert "ne permettent pas de se connecter" in page.inner_text("main")
    found["connexion courrier, erreur"] = axe_violations(page)
    page.fill("input[name=username]", username)
    page.fill("input[name=code]", code)
    _submit(page)
    found["mot de passe"] = axe_violations(page)
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    _submit(page)
    assert page.url.endswith("/espace/")
    assert "Votre mot de passe est enregistré" in page.inner_text("main")

    # Her notifications: news chosen, but no way to receive them (no e-mail, no SMS here).
    page.goto("/espace/notifications/")
    found["mes notifications"] = axe_violations(page)
    page.get_by_label("Une séance est convoquée").check()
    _submit(page)
    assert page.locator(".error-summary").count() == 1
    found["mes notifications, erreur"] = axe_violations(page)

    page.context.clear_cookies()
    page.goto("/notifications/")
    found["abonnement"] = axe_violations(page)
    page.fill("input[name=email]", "voisin@exemple")
    _submit(page)
    assert page.locator(".error-summary").count() == 1
    found["abonnement, erreur"] = axe_violations(page)
    page.fill("input[name=email]", f"voisin-{username}@exemple.be")
    page.get_by_label("Le conseil a pris une décision").check()
    _submit(page)
    assert "Vérifiez votre boîte e-mail" in page.inner_text("main")
    found["abonnement, envoyé"] = axe_violations(page)

    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in failures.items()
    )
