"""The chair's cockpit and the secretariat's roll call in a real Chromium: the consoles in
columns on a laptop (what a ballot needs above the fold at 1280×800), one column on a phone,
the close confirmation with a lost quorum, and a roll call of ten members in the room timed
per member (printed, never asserted) — JavaScript on and off, axe on the consoles."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from council.models import Role
from deliberation import actions
from deliberation.models import Attendance, Ballot
from tests.browser.helpers import axe_violations, js_disabled
from tests.browser.test_live_room import Cast, _session_cookie, _with_totp, contexts, goto
from tests.factories import make_council, make_membership, make_user

pytestmark = pytest.mark.browser

IN_ROOM = 9  # members in the room besides the chair: a roll call of ten


def _seed(*, lose_quorum: bool = False) -> Cast:
    """13 members with a vote: the chair and 9 members in the room, one at home, two
    excused; item 2 open with a proposal under an open roll-call ballot. With `lose_quorum`,
    five members in the room leave once the ballot is open: 6 present of 13, 7 needed."""
    council = make_council(name="Conseil consultatif du numérique", slug="numerique")
    chair = make_membership(
        Role.CHAIR, council, make_user(first_name="Claire", last_name="Présidente")
    )
    secretary = make_membership(
        Role.SECRETARY, council, make_user(first_name="Sam", last_name="Secrétaire")
    )
    members = [
        make_membership(
            Role.MEMBER, council, make_user(first_name=f"Membre{n:02d}", last_name=f"Nom{n:02d}")
        )
        for n in range(1, 13)
    ]
    _with_totp(chair.user)
    _with_totp(secretary.user)
    meeting = actions.do_create_meeting(
        council,
        title="Séance du conseil",
        start=timezone.now() + datetime.timedelta(minutes=30),
        place="Salle du conseil",
        items=[
            ("Approbation du procès-verbal", "minutes_approval"),
            ("Guichets et lignes téléphoniques", "decision"),
            ("Horaires d’été", "decision"),
            ("Divers", "information"),
        ],
        acting_user=secretary.user,
    )
    statuses = [Attendance.Status.ROOM] * IN_ROOM + [
        Attendance.Status.REMOTE,
        Attendance.Status.EXCUSED,
        Attendance.Status.EXCUSED,
    ]
    actions.do_set_attendance(meeting, chair, Attendance.Status.ROOM, acting_user=secretary.user)
    for member, status in zip(members, statuses, strict=True):
        actions.do_set_attendance(meeting, member, status, acting_user=secretary.user)
    actions.do_open_meeting(meeting, acting_user=chair.user)
    item = meeting.agenda_items.get(number=2)
    actions.do_open_item(item, acting_user=chair.user)
    proposal = actions.do_create_proposal(
        item,
        title="Recommandation sur les guichets",
        paragraphs=[
            "Le conseil recommande de maintenir les guichets physiques dans chaque commune.",
            "Les lignes téléphoniques restent ouvertes du lundi au vendredi, de 8 à 18 heures.",
            "Un bilan est présenté chaque année au conseil, avec les chiffres de fréquentation.",
        ],
        acting_user=members[0].user,
    )
    actions.check_propose_amendment(
        proposal,
        base_version_id=proposal.versions.get().pk,
        operations=[{"op": "replace", "paragraph": 2, "text": "Les lignes restent ouvertes."}],
        justification="Plus simple.",
        acting_user=members[1].user,
    )
    ballot = actions.do_open_ballot(
        item,
        subject=Ballot.Subject.PROPOSAL,
        proposal=proposal,
        question="Adopter la recommandation ?",
        acting_user=chair.user,
    )
    if lose_quorum:
        for member in members[4:IN_ROOM]:
            actions.do_set_attendance(
                meeting, member, Attendance.Status.ABSENT, acting_user=secretary.user
            )
    people = {"chair": chair, "secretary": secretary} | {
        f"m{n}": m for n, m in enumerate(members, start=1)
    }
    return Cast(
        meeting_id=meeting.pk,
        cookies={role: _session_cookie(people[role].user) for role in ("chair", "secretary")},
        names={role: str(m.user) for role, m in people.items()},
        ballot_id=ballot.pk,
        extra={"members": [m.pk for m in members]},
    )


@pytest.fixture
def cockpit_cast(live_server_url: str, fast_password_hasher) -> Cast:
    return _seed()


@pytest.fixture
def quorum_lost_cast(live_server_url: str, fast_password_hasher) -> Cast:
    return _seed(lose_quorum=True)


SCREENSHOTS = "/tmp/cockpit-{name}.png"  # noqa: S108 - looked at by people, not kept


def _height(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollHeight"))


def _bottom(locator: Any) -> float:
    # Evaluated in the page, so that a fragment swapped by a push meanwhile is found again.
    expect(locator).to_be_visible()
    return float(locator.evaluate("(e) => e.getBoundingClientRect().bottom"))


def _reload_if_static(page: Any) -> None:
    if js_disabled(page):
        page.reload()


@pytest.mark.parametrize("js_enabled", [True])
def test_the_chairs_console_at_three_sizes(browser, live_server_url, js_enabled, cockpit_cast):
    """Columns on a laptop with what a ballot needs above the fold; one column on a phone."""
    cast = cockpit_cast
    found: dict[str, list[str]] = {}
    with contexts(browser, live_server_url, js_enabled, cast, "chair", "secretary") as pages:
        chair, secretary = pages["chair"], pages["secretary"]
        heights = {}
        for name, width, height in (("1920", 1920, 1080), ("1280", 1280, 800), ("375", 375, 812)):
            chair.set_viewport_size({"width": width, "height": height})
            goto(chair, cast.path("presidence"))
            heights[name] = _height(chair)
            chair.screenshot(path=SCREENSHOTS.format(name=name))
            if name == "1280":
                # During a ballot: its count, the quorum and the close, without scrolling.
                ballot = chair.locator("#console-ballots")
                for needed in (
                    ballot.get_by_text(re.compile("^Participation : 0 vote exprimé sur 11")),
                    ballot.get_by_text(re.compile("^Quorum atteint")),
                    ballot.get_by_role("link", name=re.compile("^Clore le scrutin")),
                    chair.locator("#live-item h2"),
                    chair.locator("#console-items h2"),
                ):
                    assert _bottom(needed) <= height, (needed, _bottom(needed))
                columns = chair.locator(".cockpit-col").evaluate_all(
                    "(cols) => cols.map((c) => Math.round(c.getBoundingClientRect().left))"
                )
                assert len(set(columns)) == 3, columns
                found["présidence, 1280"] = axe_violations(chair)
            if name == "375":
                columns = chair.locator(".cockpit-col").evaluate_all(
                    "(cols) => cols.map((c) => Math.round(c.getBoundingClientRect().left))"
                )
                assert len(set(columns)) == 1, columns
        secretary.set_viewport_size({"width": 1280, "height": 800})
        goto(secretary, cast.path("secretariat"))
        heights["secrétariat 1280"] = _height(secretary)
        secretary.screenshot(path=SCREENSHOTS.format(name="secretariat-1280"))
        found["secrétariat, 1280"] = axe_violations(secretary)
        print(f"\nconsole heights (px): {heights}")
    assert not any(found.values()), found


def test_closing_a_ballot_that_lost_its_quorum(
    browser, live_server_url, js_enabled, quorum_lost_cast
):
    """The close asks first, in words: no quorum before, and after in the message."""
    cast = quorum_lost_cast
    sentence = "Quorum non atteint : 6 présents sur 13, il en faut 7."
    with contexts(browser, live_server_url, js_enabled, cast, "chair") as pages:
        chair = pages["chair"]
        chair.set_viewport_size({"width": 1280, "height": 800})
        goto(chair, cast.path("presidence"))
        expect(chair.locator("#console-ballots")).to_contain_text(sentence)
        with chair.expect_navigation():
            chair.get_by_role("link", name=re.compile("^Clore le scrutin")).click()
        confirmation = chair.locator("#cloture")
        expect(confirmation).to_contain_text(sentence)
        expect(confirmation).to_contain_text("Résultat qui sera enregistré : quorum non atteint")
        expect(confirmation).to_contain_text("0 vote exprimé sur 6 possibles")
        assert _bottom(confirmation.get_by_role("button", name="Confirmer la clôture")) <= 800
        violations = axe_violations(chair)
        chair.screenshot(path=SCREENSHOTS.format(name="confirmation-1280"))
        # Cancelling leaves the ballot open.
        with chair.expect_navigation():
            confirmation.get_by_role("link", name="Annuler, laisser le scrutin ouvert").click()
        expect(chair.locator("#cloture")).to_have_count(0)
        with chair.expect_navigation():
            chair.get_by_role("link", name=re.compile("^Clore le scrutin")).click()
        with chair.expect_navigation():
            chair.get_by_role("button", name="Confirmer la clôture").click()
        message = chair.locator(".messages")
        expect(message).to_have_text(f"Scrutin clos, rien n’est décidé. {sentence}")
        assert _bottom(message) <= 800
        expect(chair.locator("#console-ballots .last-result")).to_have_text(
            f"Scrutin clos, rien n’est décidé. {sentence}"
        )
        expect(chair.locator("#live-ballots .result")).to_have_text("Quorum non atteint")
    assert not violations, violations


@pytest.mark.timeout(600)
def test_a_roll_call_of_ten_members(browser, live_server_url, js_enabled, cockpit_cast):
    """One click per member in the room; the row leaves; the last entry can be undone.
    Clicks and seconds per member are printed (measured, never asserted)."""
    cast = cockpit_cast
    with contexts(browser, live_server_url, js_enabled, cast, "secretary") as pages:
        secretary = pages["secretary"]
        secretary.set_viewport_size({"width": 1280, "height": 800})
        goto(secretary, cast.path("secretariat"))
        panel = secretary.locator("#console-roll-call")
        rows = panel.locator("ul.roll-call > li")
        expect(rows).to_have_count(IN_ROOM + 1)
        expect(panel.locator(".not-voted")).to_have_text("Pas encore voté en salle : 10 membres.")
        violations = axe_violations(secretary)
        choices = ["Pour", "Pour", "Contre", "Pour", "Abstention"] * 2
        clicks = 0
        started = time.perf_counter()
        for n, choice in enumerate(choices):
            name = rows.first.locator(".roll-name").inner_text()
            rows.first.get_by_role("button", name=f"{choice} : {name}").click()
            clicks += 1
            expect(rows).to_have_count(IN_ROOM - n)
            expect(panel.locator(".last-entry")).to_contain_text(
                f"Dernier vote enregistré : {name}, {choice.lower()}."
            )
            if js_disabled(secretary):
                # The page came back at the roll call.
                assert secretary.url.endswith("#console-roll-call")
        elapsed = time.perf_counter() - started
        print(
            f"\nroll call, JavaScript {'off' if js_disabled(secretary) else 'on'}: "
            f"{clicks / len(choices):.1f} click and {elapsed / len(choices):.2f} s per member"
        )
        expect(panel).to_contain_text("Tous les membres présents en salle ont voté.")
        expect(panel.locator(".not-voted")).to_have_text("Pas encore voté en salle : 0 membre.")
        # A mis-click taken back: the member is in the list again.
        last = panel.locator(".last-entry").inner_text()
        panel.get_by_role("button", name=re.compile("^Annuler ce vote")).click()
        expect(rows).to_have_count(1)
        assert rows.first.locator(".roll-name").inner_text() in last
        violations += axe_violations(secretary)
    assert not violations, violations
