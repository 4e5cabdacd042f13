"""The room's screen in a real Chromium: it follows a meeting by pushes with JavaScript on
(no reload), shows the state at load with JavaScript off, counts a speaker's time down from
the server's deadline, fits a projector's 1920×1080 and a 1280×800 beamer without scrolling,
and passes axe in every state.

Set SCREENSHOT_DIR to keep pictures of the screen at both sizes (not in the repository).
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from deliberation import actions, selectors
from tests.browser.helpers import axe_violations, js_disabled
from tests.browser.test_live_room import (
    ITEM_TITLE,
    PUSH_TIMEOUT_MS,
    Cast,
    _seed_session,
    assert_no_violations,
    contexts,
    goto,
    submit,
)

pytestmark = pytest.mark.browser

AMENDED = "Les lignes téléphoniques restent ouvertes du lundi au samedi midi."
SIZES = ((1920, 1080), (1280, 800))
MARKER = "() => { window.__screenMarker = 'kept'; }"
READ_MARKER = "() => window.__screenMarker || null"


@pytest.fixture
def screen_cast(live_server_url: str, fast_password_hasher) -> Cast:
    cast, _item, proposal, people = _seed_session()
    actions.check_propose_amendment(
        proposal,
        base_version_id=selectors.latest_version(proposal).pk,
        operations=[{"op": "replace", "paragraph": 2, "text": AMENDED}],
        justification="Un service le samedi pour qui travaille.",
        acting_user=people["m1"].user,
    )
    return cast


def _open_screen(page: Any, cast: Cast, js_enabled: bool) -> None:
    response = page.goto(cast.path("ecran"))
    assert response is not None and response.status == 200
    if js_enabled:
        expect(page.locator("main[data-live-connected=true]")).to_have_count(
            1, timeout=PUSH_TIMEOUT_MS
        )


def _follow(page: Any, js_enabled: bool) -> None:
    """With JavaScript the push brings the change; without, the screen shows what it had at
    load until it is reloaded."""
    if not js_enabled:
        response = page.reload()
        assert response is not None and response.status == 200


def _fits(page: Any, state: str, found: dict[str, list[str]]) -> None:
    """No scrolling at either size, axe clean, and a picture when asked for one."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        # The page never scrolls (overflow is hidden): what matters is that nothing is cut,
        # every line of the screen ends within its frame and the window.
        cut = page.evaluate(
            """() => {
              const frame = document.getElementById("screen").getBoundingClientRect();
              const bottom = Math.min(frame.bottom, innerHeight) + 1;
              return [...document.querySelectorAll(
                  "header p, header h1, #screen :is(h2, h3, p, li, dt, dd, .countdown-clock)")]
                .filter((e) => e.getClientRects().length)
                .filter((e) => {
                  const r = e.getBoundingClientRect();
                  const clamped = e.closest(".screen-changes");
                  return !clamped && (r.bottom > bottom || r.right > innerWidth + 1);
                })
                .map((e) => e.textContent.trim().slice(0, 60));
            }"""
        )
        assert not cut, (state, width, height, cut)
        if directory := os.environ.get("SCREENSHOT_DIR"):
            name = f"screen-{state}-{width}x{height}-{'nojs' if js_disabled(page) else 'js'}.png"
            page.screenshot(path=os.path.join(directory, name))
    found[state] = axe_violations(page)


@pytest.mark.timeout(600)
def test_the_screen_follows_the_meeting(
    browser, browser_thread, live_server_url, js_enabled, screen_cast
):
    cast = screen_cast
    found: dict[str, list[str]] = {}
    with contexts(browser, live_server_url, js_enabled, cast, "screen", "chair") as pages:
        screen, chair = pages["screen"], pages["chair"]
        _open_screen(screen, cast, js_enabled)
        if js_enabled:
            screen.evaluate(MARKER)
        goto(chair, cast.path("presidence"))
        body = screen.locator("#screen")
        expect(body).to_contain_text("Séance en cours")
        expect(screen.locator("h1")).to_have_text("Séance du conseil")
        # A projector: nothing to press, nothing to follow.
        expect(screen.locator("form, a, button, input")).to_have_count(0)
        _fits(screen, "en-seance", found)

        # The chair opens item 2.
        submit(chair, chair.get_by_role("button", name=f"Ouvrir {ITEM_TITLE}", exact=True))
        if not js_enabled:
            expect(body).to_contain_text("Séance en cours")  # the state at load
        _follow(screen, js_enabled)
        expect(screen.locator("#screen h2")).to_contain_text(ITEM_TITLE, timeout=PUSH_TIMEOUT_MS)

        # A member of the room is put on the list and given the floor: a 5-minute turn.
        chair.get_by_text("Inscrire un membre présent en salle").click()
        form = chair.locator("#live-speakers form", has=chair.get_by_label("Membre"))
        form.get_by_label("Membre").select_option(label=cast.names["m3"])
        submit(chair, form.get_by_role("button", name="Inscrire"))
        submit(chair, chair.get_by_role("button", name=f"Donner la parole {cast.names['m3']}"))
        _follow(screen, js_enabled)
        speaker = screen.locator(".screen-speaker")
        expect(speaker).to_have_text(cast.names["m3"], timeout=PUSH_TIMEOUT_MS)
        until = screen.locator(".screen-countdown .countdown-until")
        expect(until).to_have_text(re.compile(r"^jusqu’à \d\d:\d\d$"))
        clock = screen.locator(".screen-countdown .countdown-clock")
        if js_enabled:
            # Counted down from the server's deadline: 5:00 at most, and moving.
            expect(clock).to_be_visible()
            expect(clock).to_have_text(re.compile(r"^[45]:\d\d$"))
            first = clock.inner_text()
            expect(clock).not_to_have_text(first, timeout=5_000)
            expect(screen.locator("[data-clock]")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        else:
            expect(clock).to_be_hidden()
        _fits(screen, "orateur", found)

        # The chair puts the amendment to the vote, with a 2-minute countdown.
        ballot_form = chair.locator("#console-ballots form")
        target = ballot_form.get_by_label("Objet du vote")
        options = target.locator("option").all_inner_texts()
        target.select_option(label=next(o for o in options if o.startswith("Amendement 1")))
        ballot_form.get_by_label("Durée annoncée du vote (minutes)").fill("2")
        submit(chair, ballot_form.get_by_role("button", name="Ouvrir le scrutin"))
        _follow(screen, js_enabled)
        ballot = screen.locator(".screen-ballot")
        expect(ballot).to_contain_text("Vote en cours", timeout=PUSH_TIMEOUT_MS)
        expect(ballot.locator("ins")).to_contain_text("samedi midi")
        expect(ballot.locator("del")).to_contain_text("vendredi")
        # A rewritten phrase keeps a space between its struck and its new words.
        gap = ballot.locator("del + ins").first.evaluate(
            "(e) => parseFloat(getComputedStyle(e).marginInlineStart)"
        )
        assert gap > 0, gap
        expect(ballot.locator(".screen-turnout strong")).to_have_text(re.compile(r"^0 / \d+$"))
        expect(ballot.locator(".screen-tally")).to_have_count(0)
        expect(ballot.locator(".countdown-until")).to_have_text(re.compile(r"^jusqu’à \d\d:\d\d$"))
        if js_enabled:
            expect(ballot.locator(".countdown-clock")).to_have_text(re.compile(r"^[12]:\d\d$"))
        _fits(screen, "scrutin", found)

        if js_enabled:
            # Everything came by push: the screen was never reloaded.
            assert screen.evaluate(READ_MARKER) == "kept"
    assert_no_violations(found)
