"""Residents' journeys on the demo site, end to end in a real Chromium:

* a comment through moderation "before publication": posted by a resident, invisible to the
  public, published by the secretariat in the Wagtail admin's moderation queue, then public;
* a phone contribution recorded at the mediation desk, its receipt code, and the public
  follow-up page before and after the council decides on the item;
* a keyboard-only journey (Tab, Enter, Space) from the home page to a posted comment, with a
  visible focus indicator at every step.

State the council produces in session (opening, ballot, decision) is set through the actions
on the main thread, as other browser tests set up their data; everything the residents, the
mediator and the secretariat do goes through the pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

RESIDENT = "habitant@example.org"
SECRETARIAT = "secretariat@example.org"
MEDIATOR = "guichet@example.org"
MAX_TABS = 80  # a bound on every "Tab until …" loop: a missing control fails, never hangs


def _secretary() -> Any:
    from council.models import Membership, Role

    return (
        Membership.objects.current()
        .filter(role=Role.SECRETARY, user__email=SECRETARIAT)
        .select_related("user", "council")
        .get()
    )


def _open_consultation() -> Any:
    from deliberation.consultation_demo import OPEN_TITLE
    from deliberation.models import Consultation

    return Consultation.objects.get(title=OPEN_TITLE)


def _submit(form) -> None:
    form.locator("button[type=submit]").first.click()
    form.page.wait_for_load_state("load")


def _comment_status(body_start: str) -> str | None:
    from deliberation.models import Comment

    comment = Comment.objects.filter(body__contains=body_start).first()
    return None if comment is None else comment.status


# --- 1. A comment through moderation before publication -----------------------------------


@pytest.fixture
def moderated_consultation_path(demo_site_live) -> str:
    """The demo's open consultation, switched to moderation before publication by the
    secretariat (the action the Wagtail admin's edit form runs)."""
    from deliberation import actions
    from deliberation.models import Consultation

    open_one = _open_consultation()
    open_one.moderation = Consultation.Moderation.BEFORE
    actions.check_save_consultation(open_one, acting_user=_secretary().user)
    return f"/consultations/{open_one.pk}/"


def test_resident_comment_published_by_the_moderation(
    moderated_consultation_path, page, js_enabled, on_main_thread
):
    text = f"Une permanence téléphonique le mercredi soir ({'js' if js_enabled else 'sans js'})."

    sign_in(page, RESIDENT)
    page.goto(moderated_consultation_path)
    page.fill("textarea[name=body]", text)
    _submit(page.locator("main form", has=page.locator("textarea[name=body]")))
    main = page.inner_text("main")
    assert "sera publié après relecture par la modération" in main
    # Its author sees it, marked as waiting; nobody else does.
    assert text in main
    assert "en attente de relecture par la modération" in main
    assert on_main_thread(_comment_status, text) == "pending"

    page.context.clear_cookies()
    page.goto(moderated_consultation_path)
    assert text not in page.inner_text("main")

    # The secretariat publishes it from the moderation queue of the Wagtail admin.
    sign_in(page, SECRETARIAT)
    response = page.goto("/admin/moderation/")
    assert response is not None and response.status == 200
    entry = page.locator("section.help-block", has_text=text)
    assert entry.count() == 1, page.inner_text("body")
    entry.get_by_role("button", name="Publier").click()
    page.wait_for_load_state("load")
    assert "Le commentaire est publié." in page.inner_text("body")
    assert on_main_thread(_comment_status, text) == "published"
    assert page.locator("section.help-block", has_text=text).count() == 0
    # Nobody flagged anything in the demo: no published comment waits in the flagged list.
    kept = page.locator("section.help-block", has=page.get_by_role("button", name="Garder publié"))
    assert kept.count() == 0

    page.context.clear_cookies()
    page.goto(moderated_consultation_path)
    main = page.inner_text("main")
    assert text in main
    assert "en attente de relecture" not in main


# --- 2. A phone contribution, its receipt code, and the follow-up page --------------------


@pytest.fixture
def recommendation(demo_site_live) -> dict[str, Any]:
    """The upcoming meeting's item with a draft recommendation."""
    from deliberation import selectors
    from deliberation.demo import UPCOMING_TITLE
    from deliberation.models import Meeting

    meeting = Meeting.objects.get(title=UPCOMING_TITLE)
    item = selectors.agenda(meeting)[2]
    proposal = selectors.proposals_for(item).first()
    assert proposal is not None
    return {
        "meeting_id": meeting.pk,
        "meeting_title": meeting.title,
        "item_id": item.pk,
        "proposal_id": proposal.pk,
        "proposal_title": proposal.title,
    }


def _contribution(code: str) -> dict[str, Any] | None:
    from deliberation.models import Contribution
    from deliberation.selectors.mediation import normalise_code

    normalised = normalise_code(code)
    row = Contribution.objects.filter(receipt_code=normalised).select_related("recorded_by").first()
    if row is None:
        return None
    return {
        "channel": row.channel,
        "proposal_id": row.proposal_id,
        "recorded_by": row.recorded_by.email if row.recorded_by else None,
        "consent": row.consent_to_publish,
    }


def _council_decides(meeting_id: int, item_id: int, proposal_id: int) -> str:
    """The session: opened, the item opened, a show-of-hands ballot on the recommendation,
    closed, the item closed. Returns the decision's question."""
    from council.models import Membership, Role
    from deliberation import actions
    from deliberation.models import AgendaItem, Decision, Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    chair = (
        Membership.objects.current()
        .filter(council=meeting.council, role=Role.CHAIR)
        .select_related("user")
        .first()
    )
    assert chair is not None
    secretary = _secretary().user
    actions.check_open_meeting(meeting, acting_user=chair.user)
    item = AgendaItem.objects.get(pk=item_id)
    actions.check_open_item(item, acting_user=chair.user)
    ballot = actions.check_open_ballot(
        item,
        subject="proposal",
        proposal_id=proposal_id,
        room_method="show_of_hands",
        acting_user=chair.user,
    )
    actions.check_record_room_totals(ballot.pk, yes=6, no=1, abstain=1, acting_user=secretary)
    decision = actions.check_close_ballot(ballot.pk, acting_user=chair.user)
    assert decision.outcome == Decision.Outcome.ADOPTED
    actions.check_close_item(AgendaItem.objects.get(pk=item_id), acting_user=chair.user)
    return decision.question


def _look_up(page, code: str) -> str:
    page.goto("/suivi/")
    page.fill("input[name=code]", code)
    _submit(page.locator("main form.followup-form"))
    return page.inner_text("main")


def test_phone_contribution_followed_up_after_the_decision(recommendation, page, on_main_thread):
    text = "M. Dubois n'a pas d'ordinateur : il demande que le guichet reste ouvert le samedi."

    sign_in(page, MEDIATOR)
    response = page.goto("/guichet/")
    assert response is not None and response.status == 200
    page.select_option("select[name=target]", f"proposal-{recommendation['proposal_id']}")
    page.check("input[name=channel][value=phone]")
    page.fill("input[name=resident_name]", "Marcel Dubois")
    page.fill("input[name=contact_phone]", "010 12 34 56")
    page.fill("textarea[name=text]", text)
    page.check("input[name=consent_to_publish]")
    _submit(page.locator("main form", has=page.locator("textarea[name=text]")))
    assert "/guichet/recu/" in page.url
    code = page.locator(".slip-code").inner_text().strip()
    slip = page.inner_text("main")
    assert "reçue par téléphone" in slip
    assert recommendation["proposal_title"] in slip
    assert on_main_thread(_contribution, code) == {
        "channel": "phone",
        "proposal_id": recommendation["proposal_id"],
        "recorded_by": MEDIATOR,
        "consent": True,
    }

    # A week before the meeting the resident (no account) types the code at the EPN.
    page.context.clear_cookies()
    before = _look_up(page, code)
    assert f"Contribution {code}" in before
    assert "reçue par téléphone" in before
    assert "le point sera examiné en séance" in before
    assert "Ce que le conseil a décidé" not in before
    assert "Examinée le" not in before

    question = on_main_thread(
        _council_decides,
        recommendation["meeting_id"],
        recommendation["item_id"],
        recommendation["proposal_id"],
    )

    after = _look_up(page, code)
    assert "Transmise au conseil et examinée en séance." in after
    assert "Examinée le" in after
    assert "Ce que le conseil a décidé" in after
    assert f"{question} : adopté" in after
    meeting = page.get_by_role("link", name=f"Voir la séance « {recommendation['meeting_title']} »")
    assert meeting.get_attribute("href") == f"/seances/{recommendation['meeting_id']}/direct/"
    # The decision links to its public page, where it stands with the text voted.
    page.get_by_role("link", name=question).click()
    page.wait_for_load_state("load")
    assert "/decisions/" in page.url
    public = page.inner_text("main")
    assert question in public
    assert "adopté" in public
    assert recommendation["proposal_title"] in public


# --- 3. Keyboard only, from the home page to a posted comment ------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow && style.boxShadow !== 'none';
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute('name') || '',
    type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || '').trim().slice(0, 200),
    visible: Boolean(outlined || shadowed),
    describe: el.outerHTML.slice(0, 200),
  };
}"""


def _tab_to(page, wanted, what: str, unseen: list[str]) -> dict[str, Any]:
    """Press Tab until `wanted(focused)` holds; every element reached on the way must show
    its focus (what lacks it is collected in `unseen`)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if not focused["visible"]:
            unseen.append(f"{page.url}: {focused['describe']}")
        if wanted(focused):
            return focused
    raise AssertionError(f"{what}: not reached with {MAX_TABS} presses of Tab on {page.url}")


def _press_and_load(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def test_keyboard_only_from_home_page_to_a_posted_comment(demo_site_live, page, on_main_thread):
    from cms.demo import DEMO_PASSWORD
    from deliberation.consultation_demo import OPEN_TITLE

    text = "Au clavier seulement : merci de garder le guichet du samedi."
    unseen: list[str] = []

    page.goto("/")
    _tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Se connecter", "login", unseen)
    _press_and_load(page, "Enter")
    assert "/accounts/login/" in page.url
    _tab_to(page, lambda f: f["name"] == "login", "e-mail field", unseen)
    page.keyboard.type(RESIDENT)
    _tab_to(page, lambda f: f["name"] == "password", "password field", unseen)
    page.keyboard.type(DEMO_PASSWORD)
    _press_and_load(page, "Enter")
    assert "/accounts/login/" not in page.url

    _tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Consultations", "nav", unseen)
    _press_and_load(page, "Enter")
    assert page.url.rstrip("/").endswith("/consultations")
    _tab_to(page, lambda f: f["tag"] == "a" and f["text"] == OPEN_TITLE, "consultation", unseen)
    _press_and_load(page, "Enter")
    assert OPEN_TITLE in page.inner_text("h1")

    _tab_to(page, lambda f: f["tag"] == "textarea" and f["name"] == "body", "comment", unseen)
    page.keyboard.type(text)
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit", "submit", unseen)
    _press_and_load(page, "Space")

    main = page.inner_text("main")
    assert "Merci ! Votre commentaire est publié." in main
    assert text in main
    assert on_main_thread(_comment_status, text) == "published"
    assert not unseen, "focus not visible on:\n" + "\n".join(unseen)
