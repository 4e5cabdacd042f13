"""A resident comments in a public consultation, replies, flags a comment, and hits an error:
0 axe violations at every step, with JavaScript on and off."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.browser.pageweight import measure_page

pytestmark = pytest.mark.browser


@pytest.fixture
def open_consultation_path(demo_site_live) -> str:
    from deliberation.consultation_demo import OPEN_TITLE
    from deliberation.models import Consultation

    return f"/consultations/{Consultation.objects.get(title=OPEN_TITLE).pk}/"


def _submit(form) -> None:
    form.locator("button[type=submit]").first.click()
    form.page.wait_for_load_state("load")


def test_consultation_pages_and_forms_have_no_axe_violations(demo_site_live, page):
    found: dict[str, list[str]] = {}

    response = page.goto("/consultations/")
    assert response is not None and response.status == 200
    found["liste"] = axe_violations(page)
    page.get_by_role("link", name="Guichets, téléphone, EPN").first.click()
    page.wait_for_load_state("load")
    consultation_url = page.url
    main = page.inner_text("main")
    assert main.index("En bref") < main.index("La question posée")
    assert "Commentaire masqué par la modération : Donnée personnelle" in main
    assert "Dernière mise à jour" in main
    found["consultation, sans compte"] = axe_violations(page)

    sign_in(page, "habitante@example.org")
    page.goto(consultation_url)
    found["consultation, connectée"] = axe_violations(page)

    # An empty comment: the error summary, and the form again.
    form = page.locator("main form", has=page.locator("textarea[name=body]"))
    _submit(form)
    assert page.locator(".error-summary").count() == 1
    found["commentaire, erreur"] = axe_violations(page)

    page.fill("textarea[name=body]", "Un guichet le samedi matin, c'est essentiel.")
    _submit(page.locator("main form", has=page.locator("textarea[name=body]")))
    assert "Votre commentaire est publié" in page.inner_text("main")
    assert "Un guichet le samedi matin" in page.inner_text("main")

    # Reply to the first thread, through its link: the form opens under the comment.
    page.get_by_role("link", name="Répondre").first.click()
    page.wait_for_load_state("load")
    assert "repondre=" in page.url
    found["réponse, formulaire"] = axe_violations(page)
    page.fill("textarea[name=body]", "Je suis d'accord.")
    _submit(page.locator("main form", has=page.locator("textarea[name=body]")))
    assert "Je suis d'accord." in page.inner_text("main")

    # Flag someone else's comment: the form, its error state, then the thanks.
    page.get_by_role("link", name="Signaler").first.click()
    page.wait_for_load_state("load")
    found["signalement, formulaire"] = axe_violations(page)
    flag = page.locator("main form", has=page.locator("input[name=reason]"))
    _submit(flag)
    assert page.locator(".error-summary").count() == 1
    found["signalement, erreur"] = axe_violations(page)
    page.fill("input[name=reason]", "Hors sujet")
    _submit(page.locator("main form", has=page.locator("input[name=reason]")))
    assert "signalé à la modération" in page.inner_text("main")

    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in failures.items()
    )


@pytest.mark.parametrize("js_enabled", [True], ids=["js"])
def test_consultation_page_is_light(open_consultation_path, page):
    weight = measure_page(page, open_consultation_path)
    print(weight.summary())
    assert weight.transferred_bytes_without_images <= 60_000, weight.summary()
    assert weight.requests <= 10, weight.summary()
    assert weight.grade == "A", weight.summary()
