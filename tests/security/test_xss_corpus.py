"""The XSS corpus (xss_payloads.txt) through every user text field, then every page that
shows them opened in Chromium: no script runs, no dialog opens, no inline code is even
attempted (the CSP would report it), nothing loads from another host, and no element or
attribute that could run code or load a foreign resource survives in the DOM.

Payloads go in through the `check_*` actions the forms call (their views add nothing but
form parsing; invitations also pass the invitation form's own validation first), so that a
hundred-odd writes per field take seconds. Each field takes every payload; the pages that
show them get them all at once, so the number of pages opened stays small.

To cover a new field: add a `Field` to FIELDS (a function that stores one payload); to
cover a new page: add a `Shown` to PAGES (or a `Reflected` for a GET parameter echoed back).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from council.models import Role
from tests.factories import make_council, make_membership, make_user

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")


def load_payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


PAYLOADS = load_payloads()
CANARY = "{{ 7*7 }}"  # shown literally wherever user text is shown: proves the text is there


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 100
    assert CANARY in PAYLOADS
    for family in ("<svg", "<math", "onerror", "javascript:", "data:", "&#", "{%", "<noscript"):
        assert any(family in p for p in PAYLOADS), family


# --- What is seeded --------------------------------------------------------------------------


@dataclass
class Stage:
    """The council and meeting the payloads are posted into; logins for the pages."""

    meeting: Any
    item: Any
    proposal: Any
    chair: Any
    secretary: Any
    member: Any
    mediator: Any
    codes: list[str]
    consultation: Any = None
    decision_path: str = ""


def _refused(call: Callable[[], Any]) -> None:
    """Run an action; a payload it refuses (in French) is fine, anything else is not."""
    from django.core.exceptions import ValidationError

    from deliberation.actions import ActionError

    with contextlib.suppress(ActionError, ValidationError):
        call()


def comment(stage: Stage, payload: str, author) -> None:
    from deliberation import actions

    _refused(lambda: actions.check_add_comment(stage.proposal, payload, acting_user=author))


def amendment(stage: Stage, payload: str, author) -> None:
    from deliberation import actions, selectors

    version = selectors.latest_version(stage.proposal)
    _refused(
        lambda: actions.check_propose_amendment(
            stage.proposal,
            base_version_id=version.pk,
            operations=[{"op": "replace", "paragraph": 1, "text": payload}],
            justification=payload,
            acting_user=author,
        )
    )


def proposal(stage: Stage, payload: str, author) -> None:
    from deliberation import actions

    _refused(
        lambda: actions.check_create_proposal(
            stage.item,
            title=payload[: actions.TITLE_MAX],
            summary=payload,
            paragraphs=[payload, "Paragraphe ordinaire."],
            acting_user=author,
        )
    )


def contribution(stage: Stage, payload: str, author) -> None:
    from deliberation import actions
    from deliberation.models import ContributionChannel

    def record() -> None:
        stored = actions.check_record_contribution(
            stage.proposal,
            resident_name=payload[: actions.NAME_MAX],
            contact_phone="",
            contact_email="",
            channel=ContributionChannel.PHONE,
            received_on=timezone.localdate(),
            text=payload,
            consent_to_publish=True,
            acting_user=stage.mediator,
        )
        stage.codes.append(stored.receipt_code)

    _refused(record)


def consultation_comment(stage: Stage, payload: str, author) -> None:
    from deliberation import actions

    # One resident per comment: a resident's comments are rate-limited.
    resident = make_user()
    _refused(
        lambda: actions.check_add_consultation_comment(
            stage.consultation, payload, acting_user=resident
        )
    )


@dataclass
class Field:
    name: str
    store: Callable[[Stage, str, Any], None]


# Profile names go in first: their owners then write the comments and amendments.
FIELDS = [
    Field("comment", comment),
    Field("amendment", amendment),
    Field("proposal", proposal),
    Field("mediated contribution", contribution),
    Field("consultation comment", consultation_comment),
]


def invite_members(council, secretary, payloads: list[str]) -> list[Any]:
    """Members whose first and last names (and organisation) are payloads, invited the way
    the invitation form does it (its fields' lengths and control-character check first)."""
    from django import forms as django_forms

    from council.actions import check_invite_member
    from council.forms import InviteMemberForm
    from council.models import Council

    users = []
    for n, payload in enumerate(payloads):
        form = InviteMemberForm(
            {
                "email": f"invite{n}@example.org",
                "first_name": payload[:150],
                "last_name": payload[::-1][:150],
                "council": council.pk,
                "role": Role.MEMBER,
                # Without a vote: the quorum of the seeded ballot stays two people.
                "voting": "no",
                "start": "2020-01-01",
                "organisation": payload[:200],
            },
            councils=Council.objects.filter(pk=council.pk),
        )
        if not form.is_valid():  # the form refused the name (control characters)
            assert set(form.errors) <= {"first_name", "last_name", "organisation"}, form.errors
            users.append(make_membership(Role.MEMBER, council).user)
            continue
        data = form.cleaned_data
        assert isinstance(form.fields["council"], django_forms.ModelChoiceField)
        membership = check_invite_member(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            council=council,
            role=data["role"],
            start=data["start"],
            organisation=data["organisation"],
            has_voting_right=False,
            acting_user=secretary,
        )
        users.append(membership.user)
    return users


def seed(settings) -> Stage:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from deliberation import actions
    from deliberation.actions import do_create_meeting

    settings.DEMO = True  # example.org staff may act without a second factor
    council = make_council()
    chair = make_membership(Role.CHAIR, council, make_user("presidence@example.org")).user
    secretary = make_membership(Role.SECRETARY, council, make_user("secretariat@example.org")).user
    mediator = make_membership(Role.MEDIATOR, council, make_user("guichet@example.org")).user
    member = make_membership(Role.MEMBER, council, make_user("membre@example.org")).user
    for staff in (chair, secretary):
        TOTP.activate(staff, generate_totp_secret())
    meeting = do_create_meeting(
        council,
        title="Séance publique",
        start=timezone.now() + datetime.timedelta(hours=1),
        place="Salle du conseil",
        items=[("Procès-verbal", "minutes_approval"), ("Guichets", "decision")],
        acting_user=secretary,
    )
    for present in (chair, member):
        actions.check_set_attendance(
            meeting, present.memberships.get().pk, "room", acting_user=secretary
        )
    actions.check_open_meeting(meeting, acting_user=chair)
    item = meeting.agenda_items.get(number=2)
    actions.check_open_item(item, acting_user=chair)
    item.refresh_from_db()
    main = actions.check_create_proposal(
        item,
        title="Recommandation sur les guichets",
        paragraphs=["Le conseil recommande de maintenir les guichets.", "Bilan annuel."],
        acting_user=member,
    )
    stage = Stage(meeting, item, main, chair, secretary, member, mediator, [])
    stage.consultation = open_consultation(stage)
    authors = invite_members(council, secretary, PAYLOADS)
    for field in FIELDS:
        for payload, author in zip(PAYLOADS, authors, strict=True):
            field.store(stage, payload, author)
    stage.decision_path = vote_on_everything(stage)
    return stage


def open_consultation(stage: Stage) -> Any:
    """A public consultation on the main proposal, comments published without moderation."""
    from deliberation import actions
    from deliberation.models import Consultation

    now = timezone.now()
    return actions.check_save_consultation(
        Consultation(
            agenda_item=stage.item,
            proposal=stage.proposal,
            title="Votre avis sur les guichets",
            question="Les guichets suffisent-ils ?",
            start=now - datetime.timedelta(days=1),
            end=now + datetime.timedelta(days=7),
            moderation="after",
        ),
        acting_user=stage.secretary,
    )


def vote_on_everything(stage: Stage) -> str:
    """Two proposals holding every payload as paragraphs, one adopted: its decision page
    and the archive show them all."""
    from deliberation import actions

    chunk = actions.PARAGRAPHS_MAX
    proposals = [
        actions.check_create_proposal(
            stage.item,
            title=PAYLOADS[start],
            summary=CANARY,
            paragraphs=PAYLOADS[start : start + chunk],
            acting_user=stage.member,
        )
        for start in range(0, len(PAYLOADS), chunk)
    ]
    ballot = actions.check_open_ballot(
        stage.item, subject="proposal", proposal_id=proposals[0].pk, acting_user=stage.chair
    )
    decision = actions.check_close_ballot(ballot.pk, acting_user=stage.chair)
    from django.urls import reverse

    return reverse(
        "cms:decision",
        kwargs={
            "council": decision.council.slug,
            "year": decision.year,
            "number": decision.number,
        },
    )


def session_cookie(user) -> dict[str, str]:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key or ""}


# --- What is opened --------------------------------------------------------------------------


@dataclass
class Shown:
    """A page that shows stored payloads, opened as `who` (None: not logged in)."""

    name: str
    path: Callable[[Stage], str]
    who: str | None
    canary: bool = True  # the page shows user text, so the canary must be visible


@dataclass
class Reflected:
    """A GET parameter the page echoes back, up to `echoed` characters of it: payloads are
    packed, space-separated, into as few values as fit, so the page count stays small."""

    name: str
    path: str
    parameter: str
    echoed: int

    def values(self) -> list[str]:
        packed: list[str] = []
        for payload in dict.fromkeys(p[: self.echoed] for p in PAYLOADS):
            if packed and len(packed[-1]) + 1 + len(payload) <= self.echoed:
                packed[-1] += " " + payload
            else:
                packed.append(payload)
        return packed


PAGES = [
    Shown("public live page", lambda s: f"/seances/{s.meeting.pk}/direct/", None),
    Shown("members' room", lambda s: f"/seances/{s.meeting.pk}/salle/", "member"),
    Shown("chair's console", lambda s: f"/seances/{s.meeting.pk}/presidence/", "chair"),
    Shown("secretariat's console", lambda s: f"/seances/{s.meeting.pk}/secretariat/", "secretary"),
    Shown("consultations", lambda _s: "/consultations/", None, canary=False),
    Shown("consultation", lambda s: f"/consultations/{s.consultation.pk}/", None),
    Shown("item contributions", lambda s: f"/points/{s.item.pk}/contributions/", None),
    Shown("mediation desk", lambda _s: "/guichet/", "mediator"),
    Shown("receipt slip", lambda s: f"/guichet/recu/{s.codes[0]}/", "mediator", canary=False),
    Shown("follow-up", lambda s: f"/suivi/?code={s.codes[0]}", None, canary=False),
    Shown("decision", lambda s: s.decision_path, None),
    Shown("archive", lambda _s: "/decisions/", None, canary=False),
    Shown("archive search", lambda _s: "/decisions/?q=guichets", None, canary=False),
]

REFLECTED = [
    Reflected("site search", "/recherche/", "q", echoed=200),
    Reflected("archive search", "/decisions/", "q", echoed=200),
    # The follow-up page echoes the first 30 characters of a code.
    Reflected("follow-up code", "/suivi/", "code", echoed=30),
]

# Runs before any page script, in every frame. Payloads call __xss(); dialogs are stubbed
# and recorded too (page.on("dialog") catches any that slip past); every CSP violation is
# recorded: on these pages even a blocked inline script means markup got through.
HOOK = """
window.__xssHits = [];
window.__xss = (...args) => { window.__xssHits.push("__xss(" + args.join(",") + ")"); };
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xssHits.push(name + "(" + args.join(",") + ")"); };
}
document.addEventListener("securitypolicyviolation", (e) => {
  window.__xssHits.push(
    "csp " + e.effectiveDirective + " " + e.blockedURI + " " + (e.sample || "")
  );
});
"""

# What in the DOM could run code or fetch from elsewhere.
DOM_AUDIT = """() => {
  const bad = [];
  const risky = /^(javascript|data|vbscript):/;
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "poster",
                         "background", "srcset"];
  const loaders = ["img", "iframe", "frame", "link", "script", "object", "embed", "source",
                   "video", "audio", "base", "track", "image", "use", "input"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) bad.push(`<${tag} ${name}>`);
      if (name === "srcdoc") bad.push(`<${tag} srcdoc>`);
      // The layout's own empty favicon (no request for /favicon.ico) is the one data: URL.
      const emptyIcon = tag === "link" && value === "data:," && el.rel === "icon";
      if (urlAttributes.includes(name) && risky.test(value) && !emptyIcon) {
        bad.push(`<${tag} ${name}=${value}>`);
      }
      if (loaders.includes(tag) && urlAttributes.includes(name) && value) {
        let url = null;
        try { url = new URL(attr.value, location.href); } catch (e) { continue; }  // cannot load
        if (url.protocol.startsWith("http") && url.origin !== location.origin) {
          bad.push(`<${tag} ${name}=${url.href}> foreign`);
        }
      }
    }
    if (tag === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh") {
      bad.push("<meta refresh>");
    }
  }
  return bad;
}"""


def _hits(page) -> list[str]:
    found: list[str] = []
    for frame in page.frames:
        try:
            found += frame.evaluate("() => window.__xssHits || []")
        except Exception as error:  # a frame gone or cross-origin is itself worth a look
            found.append(f"frame {frame.url}: {error}")
    return found


class Watch:
    """Everything one browser context records while pages load."""

    def __init__(self, context, server: str) -> None:
        self.events: list[str] = []
        origin = urlsplit(server)
        self.host = origin.hostname
        context.add_init_script(HOOK)
        context.on("page", self._attach)

    def _attach(self, page) -> None:
        def dialog(d) -> None:
            self.events.append(f"dialog {d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        page.on("request", self._request)

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != self.host:
            self.events.append(f"request to {request.url}")

    def visit(self, page, path: str, *, live: bool = True) -> list[str]:
        response = page.goto(path, wait_until="load")
        if live:  # let live.js fetch and swap its fragments, the other way markup gets in
            # A page that keeps fetching is audited as it stands after 5 s.
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_load_state("networkidle", timeout=5_000)
        problems = [f"{path}: {event}" for event in self.events]
        self.events.clear()
        problems += [f"{path}: ran {hit}" for hit in _hits(page)]
        problems += [f"{path}: DOM {item}" for item in page.evaluate(DOM_AUDIT)]
        if response is not None and response.status >= 500:
            problems.append(f"{path}: HTTP {response.status}")
        return problems


@pytest.fixture
def stage(live_server_url, settings, fast_password_hasher) -> tuple[str, Stage, dict[str, Any]]:
    stage = seed(settings)
    cookies = {
        who: session_cookie(getattr(stage, who))
        for who in ("member", "chair", "secretary", "mediator")
    }
    return live_server_url, stage, cookies


def test_the_hooks_see_an_executed_payload(browser, browser_thread):
    """The detector itself: a page without CSP running a payload is caught three ways."""
    from tests.browser.helpers import open_context

    context = open_context(browser)
    try:
        watch = Watch(context, "http://127.0.0.1")
        page = context.new_page()
        page.set_content('<p>x</p><img src="x" onerror="__xss(1)"><a href="javascript:x">y</a>')
        page.wait_for_timeout(200)
        assert _hits(page) == ["__xss(1)"]
        audit = page.evaluate(DOM_AUDIT)
        assert "<img onerror>" in audit and any("javascript:" in a for a in audit)
        page.set_content('<script>alert("x")</script>')
        assert "alert(x)" in _hits(page)
        assert watch.events == []
    finally:
        context.close()


@pytest.mark.timeout(900)
def test_no_payload_runs_anywhere(browser, browser_thread, stage):
    from tests.browser.helpers import open_context

    server, seeded, cookies = stage
    problems: list[str] = []
    missing_canary: list[str] = []
    host = urlsplit(server).hostname
    for shown in PAGES:
        context = open_context(browser, base_url=server)
        try:
            if shown.who:
                context.add_cookies([{**cookies[shown.who], "domain": host, "path": "/"}])
            watch = Watch(context, server)
            page = context.new_page()
            path = shown.path(seeded)
            problems += watch.visit(page, path)
            if "/accounts/" in page.url:
                problems.append(f"{shown.name}: sent to {page.url}")
            if shown.canary and CANARY not in page.inner_text("body"):
                missing_canary.append(shown.name)
        finally:
            context.close()
    context = open_context(browser, base_url=server)
    try:
        watch = Watch(context, server)
        page = context.new_page()
        for reflected in REFLECTED:
            for value in reflected.values():
                problems += watch.visit(
                    page, f"{reflected.path}?{reflected.parameter}={quote(value)}", live=False
                )
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:100])
    assert missing_canary == [], "these pages do not show the stored text at all"
