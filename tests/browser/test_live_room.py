"""The live room in a real Chromium: the journey of a ballot on an amendment seen by a chair,
two remote members, the secretariat and a public watcher — with JavaScript on (pushed
fragments, no reload) and off (plain forms, reloads) — axe on every room in every state,
a foreign-origin socket refused, and the reconnection that resyncs what was missed.

The data is committed by fixtures before the test body runs in the browser thread (see
tests/browser/conftest.py); the body then acts only through the pages' forms.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from council.models import Role
from deliberation import actions
from deliberation.models import Attendance, Ballot
from tests.browser.helpers import axe_violations, js_disabled, open_context
from tests.factories import make_council, make_membership, make_user

pytestmark = pytest.mark.browser

PUSH_TIMEOUT_MS = 15_000
ITEM_TITLE = "Guichets et lignes téléphoniques"
PROPOSAL_TITLE = "Recommandation sur les guichets"
PARAGRAPHS = [
    "Le conseil recommande de maintenir les guichets physiques.",
    "Les lignes téléphoniques restent ouvertes du lundi au vendredi.",
    "Un bilan est présenté chaque année.",
]
AMENDED_PARAGRAPH = "Les lignes téléphoniques restent ouvertes du lundi au samedi midi."
COMMENT = "Je soutiens l’ouverture le samedi."
ANNOUNCEMENT = "Scrutin clos : amendement adopté, 3 pour, 1 contre, 1 abstention"
# Set on the watcher's window once loaded: still there at the end means no page load since.
MARKER = "() => { window.__liveRoomMarker = 'kept'; }"
READ_MARKER = "() => window.__liveRoomMarker || null"


@dataclass
class Cast:
    """A meeting in session, item 2 pending with a draft proposal; who is who."""

    meeting_id: int
    cookies: dict[str, str]  # role → session cookie value
    names: dict[str, str]  # role → name shown in the pages
    ballot_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def path(self, room: str) -> str:
        return f"/seances/{self.meeting_id}/{room}/"


def _session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _with_totp(user: Any) -> Any:
    # Chair and secretariat reach no page before a second factor is set up.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def _seed_session() -> tuple[Cast, Any, Any, dict[str, Any]]:
    council = make_council(name="Conseil consultatif du numérique", slug="numerique")
    people = {
        "chair": make_membership(
            Role.CHAIR, council, make_user(first_name="Claire", last_name="Présidente")
        ),
        "secretary": make_membership(
            Role.SECRETARY, council, make_user(first_name="Sam", last_name="Secrétaire")
        ),
    }
    for n, (first, last) in enumerate(
        [
            ("Alice", "Distante"),
            ("Bruno", "Distant"),
            ("Chloé", "Salle"),
            ("Driss", "Salle"),
            ("Emma", "Salle"),
            ("Fanny", "Excusée"),
        ],
        start=1,
    ):
        people[f"m{n}"] = make_membership(
            Role.MEMBER, council, make_user(first_name=first, last_name=last)
        )
    chair = _with_totp(people["chair"].user)
    secretary = _with_totp(people["secretary"].user)
    meeting = actions.do_create_meeting(
        council,
        title="Séance du conseil",
        start=timezone.now() + datetime.timedelta(minutes=30),
        place="Salle du conseil",
        items=[("Approbation du procès-verbal", "minutes_approval"), (ITEM_TITLE, "decision")],
        acting_user=secretary,
    )
    statuses = {
        "chair": Attendance.Status.ROOM,
        "m1": Attendance.Status.REMOTE,
        "m2": Attendance.Status.REMOTE,
        "m3": Attendance.Status.ROOM,
        "m4": Attendance.Status.ROOM,
        "m5": Attendance.Status.ROOM,
        "m6": Attendance.Status.EXCUSED,
    }
    for role, status in statuses.items():
        actions.do_set_attendance(meeting, people[role], status, acting_user=secretary)
    actions.do_open_meeting(meeting, acting_user=chair)
    item = meeting.agenda_items.get(number=2)
    proposal = actions.do_create_proposal(
        item, title=PROPOSAL_TITLE, paragraphs=PARAGRAPHS, acting_user=people["m3"].user
    )
    cast = Cast(
        meeting_id=meeting.pk,
        cookies={
            role: _session_cookie(people[role].user) for role in ("chair", "secretary", "m1", "m2")
        },
        names={role: str(membership.user) for role, membership in people.items()},
    )
    return cast, item, proposal, people


@pytest.fixture
def session_cast(live_server_url: str, fast_password_hasher) -> Cast:
    cast, _item, _proposal, _people = _seed_session()
    return cast


def _seed_ballot(*, proxy: bool = False) -> Cast:
    """The same session, item 2 open and a roll-call ballot open on the proposal; with
    `proxy`, the excused member has given their vote to the first remote member."""
    cast, item, proposal, people = _seed_session()
    chair = people["chair"].user
    actions.do_open_item(item, acting_user=chair)
    if proxy:
        actions.do_give_proxy(
            item.meeting, people["m6"], people["m1"], acting_user=people["secretary"].user
        )
    ballot = actions.do_open_ballot(
        item,
        subject=Ballot.Subject.PROPOSAL,
        proposal=proposal,
        question="Adopter la recommandation ?",
        acting_user=chair,
    )
    cast.ballot_id = ballot.pk
    return cast


@pytest.fixture
def ballot_cast(live_server_url: str, fast_password_hasher) -> Cast:
    return _seed_ballot()


@pytest.fixture
def proxy_ballot_cast(live_server_url: str, fast_password_hasher) -> Cast:
    return _seed_ballot(proxy=True)


# --- Browser-side helpers (browser thread only) ---------------------------------------------


@contextmanager
def contexts(browser: Any, base_url: str, js_enabled: bool, cast: Cast, *roles: str) -> Iterator:
    """One context (its own cookie jar) per role; "watcher" is not logged in."""
    opened = {}
    try:
        for role in roles:
            context = open_context(browser, js_enabled=js_enabled, base_url=base_url)
            if role in cast.cookies:
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": cast.cookies[role],
                            "url": base_url,
                        }
                    ]
                )
            opened[role] = context
        yield {role: context.new_page() for role, context in opened.items()}
    finally:
        for context in opened.values():
            context.close()


def goto(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    if _js_on(page):
        # The room is live once its socket is open.
        expect(page.locator(".live-room[data-live-connected=true]")).to_have_count(
            1, timeout=PUSH_TIMEOUT_MS
        )


def _js_on(page: Any) -> bool:
    return not js_disabled(page)


def submit(page: Any, button: Any) -> None:
    """Press a form's button as a person would; the post/redirect/get lands on a page
    showing the success message, not an error."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("load")
    errors = page.locator(".error-summary, .errorlist")
    assert errors.count() == 0, page.inner_text("main")[:2000]
    assert page.locator(".messages .message-success").count() == 1, page.inner_text("main")[:2000]


def roll_call(secretary: Any, name: str, choice: str) -> None:
    """One click on the member's row of the roll call: by fetch with JavaScript, else a
    post that comes back to the roll call."""
    panel = secretary.locator("#console-roll-call")
    button = panel.get_by_role("button", name=f"{choice.capitalize()} : {name}", exact=True)
    if _js_on(secretary):
        button.click()
    else:
        submit(secretary, button)
    expect(panel.locator(".last-entry")).to_contain_text(
        f"Dernier vote enregistré : {name}, {choice}.", timeout=PUSH_TIMEOUT_MS
    )


def audit(found: dict[str, list[str]], state: str, pages: dict[str, Any]) -> None:
    for name, page in pages.items():
        found[f"{name}, {state}"] = axe_violations(page)


def assert_no_violations(found: dict[str, list[str]]) -> None:
    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in failures.items()
    )


def votes_cast(page: Any) -> Any:
    return page.locator("#live-ballots .votes-cast")


def _refresh_if_static(page: Any) -> None:
    if not _js_on(page):
        response = page.reload()
        assert response is not None and response.status == 200


# --- The journey -----------------------------------------------------------------------------


# Five browsers, some thirty page loads and 24 axe audits: a hang guard above the default
# one, which a loaded two-core machine came close to (no time is asserted).
@pytest.mark.timeout(600)
def test_ballot_on_an_amendment_reaches_every_screen(
    browser, browser_thread, live_server_url, js_enabled, session_cast
):
    cast = session_cast
    found: dict[str, list[str]] = {}
    with contexts(
        browser,
        live_server_url,
        js_enabled,
        cast,
        "watcher",
        "chair",
        "m1",
        "m2",
        "secretary",
    ) as pages:
        watcher, chair, m1, m2, secretary = (
            pages[r] for r in ("watcher", "chair", "m1", "m2", "secretary")
        )
        navigations: list[str] = []
        goto(watcher, cast.path("direct"))
        watcher.evaluate(MARKER)
        watcher.on(
            "framenavigated",
            lambda frame: navigations.append(frame.url) if frame == watcher.main_frame else None,
        )
        for page, room in ((chair, "presidence"), (m1, "salle"), (m2, "salle")):
            goto(page, cast.path(room))
        if js_enabled:
            m2.evaluate(MARKER)
        goto(secretary, cast.path("secretariat"))

        expect(watcher.locator("#live-item")).to_contain_text("Aucun point en cours.")
        # The agenda prints each item's own number once: no list marker before it.
        agenda = watcher.locator("ol.agenda").first
        assert agenda.evaluate("e => getComputedStyle(e).listStyleType") == "none"
        expect(agenda.locator("li").first).to_contain_text(re.compile(r"^\s*1\. "))

        # The chair opens item 2: the watcher sees its title and the draft's paragraphs.
        submit(chair, chair.get_by_role("button", name=f"Ouvrir {ITEM_TITLE}", exact=True))
        _refresh_if_static(watcher)
        expect(watcher.locator("#live-item h2")).to_have_text(
            f"Point 2 : {ITEM_TITLE}", timeout=PUSH_TIMEOUT_MS
        )
        expect(watcher.locator("#live-item ol.paragraphs > li")).to_have_text(PARAGRAPHS)
        expect(watcher.locator("#live-status")).to_contain_text(ITEM_TITLE)

        # The other remote member starts a comment while the room changes around it.
        _refresh_if_static(m2)
        comment = m2.locator("#live-participate").get_by_label("Votre commentaire")
        expect(comment).to_have_count(1, timeout=PUSH_TIMEOUT_MS)
        comment.fill(COMMENT)

        # A remote member amends paragraph 2 from the form of the members' room.
        _refresh_if_static(m1)
        form = m1.locator("#live-participate form", has=m1.get_by_label("Paragraphe"))
        expect(form).to_have_count(1, timeout=PUSH_TIMEOUT_MS)
        form.get_by_label("Proposition").select_option(label=f"{PROPOSAL_TITLE} (version 1)")
        form.get_by_label("Paragraphe").fill("2")
        form.get_by_label("Modification").select_option(label="remplacer")
        form.get_by_label("Nouveau texte").fill(AMENDED_PARAGRAPH)
        form.get_by_label("Justification").fill("Un service le samedi pour qui travaille.")
        submit(m1, form.get_by_role("button", name="Déposer l’amendement"))

        # Everyone sees it, word by word: what goes in <del>, what comes in <ins>, both
        # named for screen readers.
        _refresh_if_static(watcher)
        amendment = watcher.locator("#live-item li[id^=amendement-]")
        expect(amendment).to_have_count(1, timeout=PUSH_TIMEOUT_MS)
        expect(amendment).to_contain_text("Amendement 1")
        expect(amendment).to_contain_text(cast.names["m1"])
        expect(amendment.locator("del").first).to_contain_text("supprimé :")
        expect(amendment.locator("ins").first).to_contain_text("inséré :")
        assert "vendredi" in " ".join(amendment.locator("del").all_inner_texts())
        assert "samedi midi" in " ".join(amendment.locator("ins").all_inner_texts())

        if js_enabled:
            # The push redrew the commenting member's forms: the words typed and the focus
            # are still there, in a page that was not reloaded.
            expect(m2.locator("#live-item li[id^=amendement-]")).to_have_count(
                1, timeout=PUSH_TIMEOUT_MS
            )
            expect(comment).to_have_value(COMMENT)
            expect(comment).to_be_focused()
            assert m2.evaluate(READ_MARKER) == "kept"
        # The comment goes out from the redrawn form (its CSRF token added by the script).
        submit(m2, m2.get_by_role("button", name="Publier le commentaire"))
        _refresh_if_static(watcher)
        expect(watcher.locator("#live-item .comment-body")).to_have_text(
            [COMMENT], timeout=PUSH_TIMEOUT_MS
        )
        if js_enabled:
            m2.evaluate(MARKER)
        audit(
            found,
            "sans scrutin (amendement déposé)",
            {"direct": watcher, "salle": m1, "présidence": chair, "secrétariat": secretary},
        )

        # The chair puts the amendment to the vote (the choice came with the push).
        _refresh_if_static(chair)
        ballot_form = chair.locator("#console-ballots form")
        target = ballot_form.get_by_label("Objet du vote")
        options = target.locator("option").all_inner_texts()
        amendment_option = next((o for o in options if o.startswith("Amendement 1")), None)
        assert amendment_option, options
        target.select_option(label=amendment_option)
        ballot_form.get_by_label("Publicité").select_option(label="vote nominatif")
        ballot_form.get_by_label("Majorité requise").select_option(label="majorité simple")
        ballot_form.get_by_label("Vote en salle").select_option(label="appel nominal")
        submit(chair, ballot_form.get_by_role("button", name="Ouvrir le scrutin"))

        _refresh_if_static(watcher)
        # French has "0 vote" singular, but without a French catalogue gettext applies the
        # source's plural rule (n != 1): either form is the count of zero.
        expect(votes_cast(watcher)).to_have_text(
            re.compile(r"^0 votes? exprimés?$"), timeout=PUSH_TIMEOUT_MS
        )

        # The two remote members vote from their room; the ballot paper came to them.
        for member, choice in ((m1, "pour"), (m2, "contre")):
            _refresh_if_static(member)
            paper = member.locator(f"#my-vote-{cast.meeting_id}")
            expect(paper.get_by_label(choice, exact=True)).to_have_count(1, timeout=PUSH_TIMEOUT_MS)
        if js_enabled:
            # Pushed, not reloaded: the second member's page is the one loaded at the start.
            assert m2.evaluate(READ_MARKER) == "kept"
        expected = 0
        for member, choice in ((m1, "pour"), (m2, "contre")):
            paper = member.locator(f"#my-vote-{cast.meeting_id}")
            paper.get_by_label(choice, exact=True).check()
            submit(member, paper.get_by_role("button", name="Voter"))
            expect(paper).to_contain_text(f"Vous avez voté : {choice}.")
            expected += 1
            _refresh_if_static(watcher)
            expect(votes_cast(watcher)).to_have_text(
                f"{expected} votes exprimés" if expected > 1 else "1 vote exprimé",
                timeout=PUSH_TIMEOUT_MS,
            )
        # The consoles count them too: the chair's participation, the roll call's line.
        _refresh_if_static(chair)
        expect(chair.locator("#console-turnout")).to_contain_text(
            "Participation : 2 votes exprimés", timeout=PUSH_TIMEOUT_MS
        )
        _refresh_if_static(secretary)
        expect(secretary.locator("#console-roll-call-count")).to_contain_text(
            "2 votes exprimés", timeout=PUSH_TIMEOUT_MS
        )

        # The secretariat records the room's votes by roll call.
        _refresh_if_static(secretary)
        for role, choice in (("m3", "pour"), ("m4", "pour"), ("m5", "abstention")):
            roll_call(secretary, cast.names[role], choice)
            expected += 1
            _refresh_if_static(watcher)
            expect(votes_cast(watcher)).to_have_text(
                f"{expected} votes exprimés", timeout=PUSH_TIMEOUT_MS
            )
            if role == "m3":
                audit(
                    found,
                    "scrutin ouvert",
                    {"direct": watcher, "salle": m1, "présidence": chair, "secrétariat": secretary},
                )

        # The chair closes the ballot: the result, to every screen and screen reader.
        _refresh_if_static(chair)
        with chair.expect_navigation():
            chair.get_by_role("link", name=re.compile(r"^Clore le scrutin")).click()
        submit(chair, chair.locator("#cloture").get_by_role("button", name="Confirmer la clôture"))
        _refresh_if_static(watcher)
        ballot = watcher.locator("#live-ballots article.ballot")
        expect(ballot.locator(".result")).to_have_text("Adopté", timeout=PUSH_TIMEOUT_MS)
        expect(ballot.locator("table tbody td")).to_have_text(["3", "1", "1"])
        expect(votes_cast(watcher)).to_have_count(0)
        if js_enabled:
            expect(watcher.locator("[data-live-announcer]")).to_have_text(ANNOUNCEMENT)

        # The adopted amendment is merged into version 2, version 1 still readable.
        proposal = watcher.locator("#live-item article.proposal")
        expect(proposal.locator(":scope > p.meta")).to_contain_text(
            "version 2", timeout=PUSH_TIMEOUT_MS
        )
        expect(proposal.locator(":scope > ol.paragraphs > li")).to_have_text(
            [PARAGRAPHS[0], AMENDED_PARAGRAPH, PARAGRAPHS[2]]
        )
        expect(proposal.locator("details:not(.comments) > summary")).to_have_text(["Version 1"])
        expect(proposal.locator("details:not(.comments) ol.paragraphs > li")).to_have_text(
            PARAGRAPHS
        )
        expect(amendment.locator(".badge")).to_have_text("adopté")

        # A member's amendment form now offers the new version, and shows it chosen (the
        # version it had chosen is gone; the push must not leave the field blank).
        _refresh_if_static(m2)
        expect(m2.locator("#live-item article.proposal > p.meta")).to_contain_text(
            "version 2", timeout=PUSH_TIMEOUT_MS
        )
        proposal_field = m2.locator("#live-participate").get_by_label("Proposition")
        assert proposal_field.evaluate("(select) => select.selectedOptions[0]?.text || ''") == (
            f"{PROPOSAL_TITLE} (version 2)"
        )

        _refresh_if_static(m1)
        _refresh_if_static(secretary)
        audit(
            found,
            "scrutin clos",
            {"direct": watcher, "salle": m1, "présidence": chair, "secrétariat": secretary},
        )

        if js_enabled:
            # Every change above reached the watcher without a page load.
            assert watcher.evaluate(READ_MARKER) == "kept"
            assert navigations == []
            assert m2.evaluate(READ_MARKER) is None  # it did reload after its vote
    assert_no_violations(found)


# --- A socket opened from another origin -----------------------------------------------------

# Opens the meeting socket from the page it runs in and reports what happened to it.
PROBE_SOCKET = """async (url) => {
  const seen = { opened: false, messages: 0, closed: false, code: null };
  await new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => { seen.opened = true; socket.close(1000); });
    socket.addEventListener("message", () => { seen.messages += 1; });
    socket.addEventListener("close", (event) => {
      seen.closed = true;
      seen.code = event.code;
      resolve();
    });
  });
  return seen;
}"""


def test_a_foreign_origin_cannot_open_the_meeting_socket(
    browser, browser_thread, live_server_url, session_cast
):
    cast = session_cast
    port = live_server_url.rsplit(":", 1)[1]
    socket_url = f"ws://127.0.0.1:{port}/ws/meetings/{cast.meeting_id}/?audience="
    foreign = f"http://evil.localhost:{port}/"
    with contexts(browser, live_server_url, True, cast, "m1") as pages:
        page = pages["m1"]
        # The same probe from the site itself opens both sockets: it is a fair probe.
        goto(page, cast.path("salle"))
        for audience in ("public", "members"):
            seen = page.evaluate(PROBE_SOCKET, socket_url + audience)
            assert seen["opened"], (audience, seen)

        # A page of another origin, in the member's browser, is refused at the handshake:
        # even the public audience, open to anyone, is closed before a byte is received.
        page.route(
            foreign + "**",
            lambda route: route.fulfill(
                content_type="text/html",
                body="<!doctype html><html lang=en><title>Elsewhere</title><p>Elsewhere</p>",
            ),
        )
        response = page.goto(foreign)
        assert response is not None and page.evaluate("() => location.origin") == foreign[:-1]
        for audience in ("public", "members"):
            seen = page.evaluate(PROBE_SOCKET, socket_url + audience)
            assert seen == {"opened": False, "messages": 0, "closed": True, "code": 1006}, (
                audience,
                seen,
            )


# --- Losing the connection -------------------------------------------------------------------

# Installed before the page's scripts: every socket the page opens is recorded, and while the
# link is "down" a new one is aborted while it connects, so the page sees what a failed
# connection gives it (an error, then a close with code 1006).
SOCKET_SWITCH = """(() => {
  const Native = window.WebSocket;
  const sw = { up: true, opened: [], attempts: 0, failed: 0 };
  window.__socketSwitch = sw;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      sw.attempts += 1;
      sw.opened.push(this);
      if (!sw.up) {
        this.addEventListener("close", (event) => { if (event.code === 1006) sw.failed += 1; });
        this.close();
      }
    }
  };
})();"""
CUT = """() => {
  const sw = window.__socketSwitch;
  sw.up = false;
  sw.opened.forEach((socket) => socket.close());
}"""


def test_a_watcher_who_lost_the_connection_catches_up_on_reconnect(
    browser, browser_thread, live_server_url, ballot_cast
):
    cast = ballot_cast
    with contexts(browser, live_server_url, True, cast, "watcher", "secretary") as pages:
        watcher, secretary = pages["watcher"], pages["secretary"]
        watcher.context.add_init_script(SOCKET_SWITCH)
        resyncs: list[str] = []
        watcher.on(
            "request",
            lambda request: resyncs.append(request.url) if "/fragments/" in request.url else None,
        )
        goto(watcher, cast.path("direct"))
        watcher.evaluate(MARKER)
        expect(votes_cast(watcher)).to_have_text(re.compile(r"^0 votes? exprimés?$"))
        assert len(resyncs) == 1  # the first connection fetches the state once
        goto(secretary, cast.path("secretariat"))

        # The link drops: the page says so, and keeps trying.
        watcher.evaluate(CUT)
        state_line = watcher.locator("[data-live-state]")
        expect(state_line).to_have_text("Connexion perdue, reconnexion…")
        expect(state_line).to_be_visible()

        # Meanwhile a vote is recorded in the room; its push cannot reach the watcher.
        roll_call(secretary, cast.names["m3"], "pour")
        watcher.wait_for_function(
            "() => window.__socketSwitch.failed >= 2", timeout=PUSH_TIMEOUT_MS
        )
        expect(votes_cast(watcher)).to_have_text(re.compile(r"^0 votes? exprimés?$"))
        assert watcher.locator(".live-room").get_attribute("data-live-connected") == "false"
        # A banner announced once: an alert, whose text is not rewritten at every attempt.
        assert state_line.get_attribute("role") == "alert"

        # The network comes back: the page tries at once, not at the end of its backoff.
        tried_at_once = watcher.evaluate(
            """() => {
              const sw = window.__socketSwitch, before = sw.opened.length;
              window.dispatchEvent(new Event("online"));
              return sw.opened.length - before;
            }"""
        )
        assert tried_at_once == 1

        # The link is back: the next attempt connects and fetches what was missed, once.
        fetched_before = len(resyncs)
        watcher.evaluate("() => { window.__socketSwitch.up = true; }")
        expect(votes_cast(watcher)).to_have_text("1 vote exprimé", timeout=4 * PUSH_TIMEOUT_MS)
        expect(watcher.locator(".live-room[data-live-connected=true]")).to_have_count(1)
        expect(state_line).to_be_hidden()
        assert len(resyncs) == fetched_before + 1
        assert watcher.evaluate(READ_MARKER) == "kept"

        # And it is live again: the next vote arrives by push, without a fetch.
        roll_call(secretary, cast.names["m4"], "contre")
        expect(votes_cast(watcher)).to_have_text("2 votes exprimés", timeout=PUSH_TIMEOUT_MS)
        assert len(resyncs) == fetched_before + 1
        assert watcher.evaluate(READ_MARKER) == "kept"


# --- A push while a member is choosing ---------------------------------------------------------


def test_a_choice_being_made_survives_a_push_on_its_own_ballot_paper(
    browser, browser_thread, live_server_url, proxy_ballot_cast
):
    """A proxy holder has two ballot papers with the same fields; a push redraws them while
    one has a choice not yet sent: the choice stays on that paper, and only there."""
    cast = proxy_ballot_cast
    with contexts(browser, live_server_url, True, cast, "m1", "secretary") as pages:
        member, secretary = pages["m1"], pages["secretary"]
        goto(member, cast.path("salle"))
        goto(secretary, cast.path("secretariat"))
        my_vote = member.locator(f"#my-vote-{cast.meeting_id}")
        papers = my_vote.locator(".ballot-paper")
        expect(papers).to_have_count(2)
        proxy_paper = papers.filter(has_text="(procuration)")
        own_paper = papers.filter(has_not_text="(procuration)")
        proxy_paper.get_by_label("contre", exact=True).check()
        member.evaluate(MARKER)
        my_vote.evaluate("(element) => { element.dataset.beforePush = 'yes'; }")

        # The secretariat records someone's presence: every voter's papers are redrawn.
        attendance = secretary.locator("#console-attendance form", has_text="Présence")
        attendance.get_by_label("Membre").select_option(label=cast.names["m5"])
        attendance.get_by_label("Présence").select_option(label="présent·e à distance")
        submit(secretary, attendance.get_by_role("button", name="Enregistrer la présence"))
        expect(member.locator(f"#my-vote-{cast.meeting_id}[data-before-push]")).to_have_count(
            0, timeout=PUSH_TIMEOUT_MS
        )

        assert member.evaluate(READ_MARKER) == "kept"
        expect(proxy_paper.get_by_label("contre", exact=True)).to_be_checked()
        expect(own_paper.locator("input[type=radio]:checked")).to_have_count(0)
        submit(member, proxy_paper.get_by_role("button", name="Voter"))
        expect(proxy_paper).to_contain_text("Vous avez voté : contre.")
        expect(own_paper.get_by_role("button", name="Voter")).to_have_count(1)
