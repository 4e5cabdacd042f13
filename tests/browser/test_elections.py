"""An election of persons in a real Chromium, with JavaScript on and off: the secretariat
calls for candidacies, two members stand, the chair opens the secret round, the remote
members vote on their ballot paper, the tellers' count of the room's paper ballots is
entered, the chair closes the round, and the result is told step by step on the decision's
page — axe 0 on the election page in each state and on that decision page.

The data is committed by fixtures before the test body runs in the browser thread (see
tests/browser/conftest.py); the body acts through the pages' forms, except for ending the
candidacy period, which it moves to now (a period does not end in a test's seconds).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from deliberation import actions
from deliberation.models import Election
from tests.browser.helpers import axe_violations
from tests.browser.test_live_room import Cast, _seed_session, _session_cookie, contexts, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def election_cast(live_server_url: str, fast_password_hasher) -> Cast:
    cast, item, _proposal, people = _seed_session()
    actions.do_open_item(item, acting_user=people["chair"].user)
    cast.cookies.update({role: _session_cookie(people[role].user) for role in ("m3",)})
    cast.extra["item"] = item.pk
    return cast


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _end_candidacy_period() -> None:
    Election.objects.update(candidacies_close_at=timezone.now())


def _goto(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)


def test_an_election_from_the_call_to_the_mandate(
    election_cast, browser, browser_thread, live_server_url, js_enabled, on_main_thread
):
    cast = election_cast
    path = f"/points/{cast.extra['item']}/elections/"
    with contexts(
        browser, live_server_url, js_enabled, cast, "secretary", "chair", "m1", "m2", "m3"
    ) as pages:
        secretary, chair, m1, m2 = (pages[r] for r in ("secretary", "chair", "m1", "m2"))
        found: dict[str, list[str]] = {}

        _goto(secretary, path)
        now = timezone.now()
        secretary.select_option("#office", "vice_chair")
        secretary.fill("#seats", "1")
        secretary.select_option("#mode", "single")
        secretary.fill("#opens_at", _local(now - datetime.timedelta(hours=1)))
        secretary.fill("#closes_at", _local(now + datetime.timedelta(hours=1)))
        submit(secretary, secretary.get_by_role("button", name="Ouvrir l'appel"))

        for member in (m1, m2):
            _goto(member, path)
            submit(member, member.get_by_role("button", name="Déposer la candidature"))
        found["candidatures"] = axe_violations(m2)
        assert cast.names["m1"] in m2.inner_text("main")
        assert cast.names["m2"] in m2.inner_text("main")

        on_main_thread(_end_candidacy_period)
        _goto(chair, path)
        submit(chair, chair.get_by_role("button", name="Clore les candidatures et ouvrir le vote"))

        # The remote members vote online, both for m1.
        for member in (m1, m2):
            _goto(member, path)
            member.get_by_label(cast.names["m1"], exact=True).check()
            submit(member, member.get_by_role("button", name="Voter"))
            assert "Votre vote est enregistré." in member.inner_text("main")
        found["tour ouvert"] = axe_violations(m1)
        # Nothing tells the others, nor the secretariat, what anyone chose.
        _goto(secretary, path)
        assert "Votre vote est enregistré." not in secretary.inner_text("main")

        # The tellers: four paper ballots in the room (the chair, m3, m4, m5).
        counts = secretary.locator("form[action='?do=depouillement']")
        counts.get_by_label("Bulletins dans l'urne").fill("4")
        counts.get_by_label(cast.names["m1"], exact=True).fill("2")
        counts.get_by_label(cast.names["m2"], exact=True).fill("1")
        counts.get_by_label("Bulletins blancs").fill("1")
        counts.get_by_label("Bulletins nuls").fill("0")
        submit(secretary, counts.get_by_role("button", name="Enregistrer le compte"))

        _goto(chair, path)
        submit(chair, chair.get_by_role("button", name="Clore le tour et compter"))
        main = chair.inner_text("main")
        assert "Élu·e·s : " + cast.names["m1"] in main, main[:2000]
        found["résultat"] = axe_violations(chair)

        chair.get_by_role("link", name="le décompte pas à pas").first.click()
        chair.wait_for_load_state("load")
        decision = chair.inner_text("main")
        # 6 ballots, 1 blank, 5 valid: the absolute majority is 3; m1 has 4.
        assert "majorité absolue" in decision, decision[:3000]
        assert cast.names["m1"] in decision and cast.names["m2"] in decision
        found["décision"] = axe_violations(chair)

    assert found == {state: [] for state in found}
