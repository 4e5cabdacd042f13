"""The members' room forms in a real Chromium, with JavaScript on and off: reply to a
comment, restate a stale amendment from its pre-filled form, withdraw one's amendment; axe
finds nothing in the room holding those forms; with JavaScript, another member's page
shows the reply without reloading."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from deliberation import actions
from tests.browser.helpers import axe_violations
from tests.browser.test_live_room import (
    PUSH_TIMEOUT_MS,
    Cast,
    _js_on,
    _seed_session,
    contexts,
    goto,
    submit,
)

pytestmark = pytest.mark.browser

QUESTION = "Pourquoi pas le samedi ?"
REPLY = "Parce que les agents ne travaillent pas le samedi."


@pytest.fixture
def forms_cast(live_server_url: str, fast_password_hasher) -> Cast:
    cast, item, proposal, people = _seed_session()
    chair = people["chair"].user
    actions.do_open_item(item, acting_user=chair)
    version = proposal.versions.get()

    def amend(role: str, paragraph: int, text: str) -> Any:
        return actions.check_propose_amendment(
            proposal,
            base_version_id=version.pk,
            operations=[{"op": "replace", "paragraph": paragraph, "text": text}],
            acting_user=people[role].user,
        )

    stale = amend("m1", 2, "Les lignes restent ouvertes six jours sur sept.")
    pending = amend("m1", 3, "Un bilan est présenté chaque semestre.")
    rival = amend("m2", 2, "Les lignes restent ouvertes en semaine.")
    actions.check_accept_amendment(rival, acting_user=chair)
    actions.check_add_comment(proposal, QUESTION, acting_user=people["m3"].user)
    cast.extra = {"stale": stale.pk, "pending": pending.pk}
    return cast


@pytest.mark.timeout(400)
def test_reply_rebase_and_withdraw_in_the_members_room(
    browser, live_server_url, js_enabled, forms_cast
):
    cast = forms_cast
    with contexts(browser, live_server_url, js_enabled, cast, "m1", "m2") as pages:
        author, other = pages["m1"], pages["m2"]
        goto(author, cast.path("salle"))
        goto(other, cast.path("salle"))
        mine = author.locator(f"#my-amendments-{cast.meeting_id}")
        expect(mine.locator("form[action='?do=actualiser']")).to_have_count(1)
        expect(mine.locator("form[action='?do=retirer']")).to_have_count(1)
        # Everything open that can be: axe sees every form.
        for _ in range(30):
            closed = [
                summary
                for summary in author.locator("details:not([open]) > summary").all()
                if summary.is_visible()
            ]
            if not closed:
                break
            closed[0].click()
        assert axe_violations(author) == []

        # Reply to the comment (its disclosure is open, as every other).
        author.get_by_label("Votre réponse").first.fill(REPLY)
        submit(author, author.get_by_role("button", name="Publier la réponse").first)
        expect(author.locator("#live-item .replies")).to_contain_text(REPLY)
        if _js_on(other):
            # Pushed to the other member's open page, no reload.
            expect(other.locator("#live-item .replies")).to_contain_text(
                REPLY, timeout=PUSH_TIMEOUT_MS
            )

        # Restate the stale amendment: the form comes filled with it, on the current text.
        form = author.locator(f"#my-amendments-{cast.meeting_id} form[action='?do=actualiser']")
        expect(form.get_by_label("Paragraphe (modification 1)")).to_have_value("2")
        expect(form.get_by_label("Nouveau texte (modification 1)")).to_have_value(
            "Les lignes restent ouvertes six jours sur sept."
        )
        form.get_by_label("Nouveau texte (modification 1)").fill(
            "Les lignes restent ouvertes aussi le samedi matin."
        )
        submit(author, form.get_by_role("button", name="Actualiser l’amendement"))
        expect(author.locator("form[action='?do=actualiser']")).to_have_count(0)
        expect(author.locator("#live-item")).to_contain_text("Amendement 4")

        # Withdraw the one still pending (the restated one can be withdrawn too now).
        buttons = author.locator(f"#my-amendments-{cast.meeting_id} form[action='?do=retirer']")
        expect(buttons).to_have_count(2)
        submit(author, buttons.first.get_by_role("button"))
        expect(
            author.locator(f"#my-amendments-{cast.meeting_id} form[action='?do=retirer']")
        ).to_have_count(1)
        assert axe_violations(author) == []
