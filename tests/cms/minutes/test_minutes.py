"""Minutes: the draft written from a meeting's record, the chair's approval before
publication, the PDF, and approval by the council's vote at a later meeting."""

import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.minutes import minutes
from cms.models import MinutesApproval, MinutesPage
from deliberation import actions, chain, selectors
from deliberation.actions import ActionError
from deliberation.demo import UPCOMING_TITLE
from deliberation.models import AgendaItem, Decision, Meeting
from tests.cms.exports.test_pdf import pdf_info, pdf_text


def _text(page: MinutesPage) -> str:
    out = []
    for block in page.body:
        value = block.value
        out.append(value["text"] if block.block_type == "heading" else getattr(value, "source", ""))
    return "\n".join(out)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from council.models import Council

    return Council.objects.get(slug="numerique")


def _run_upcoming(meeting: Meeting):
    """Hold the demo's upcoming meeting: approve the last minutes, debate and vote the
    recommendation with an amendment, then close the session."""
    from council.models import Role

    chair = meeting.council.memberships.get(role=Role.CHAIR).user
    secretary = meeting.council.memberships.get(role=Role.SECRETARY).user
    actions.check_open_meeting(meeting, acting_user=chair)
    approval_item, _info, item, _misc = selectors.agenda(meeting)
    actions.check_open_item(approval_item, acting_user=chair)
    ballot = actions.check_open_ballot(
        approval_item,
        subject="procedural",
        question="Approuver le procès-verbal de la séance précédente ?",
        acting_user=chair,
    )
    for seat in selectors.presence(meeting).seats:
        if seat.proxy_for is None and not seat.in_room:
            actions.check_cast_vote(ballot.pk, "yes", acting_user=seat.voter.user)
        elif seat.proxy_for is None:
            actions.check_record_room_vote(ballot.pk, seat.voter.pk, "yes", acting_user=secretary)
    approval = actions.check_close_ballot(ballot.pk, acting_user=chair)

    actions.check_open_item(item, acting_user=chair)
    speaker = selectors.presence(meeting).seats[3].voter
    actions.check_request_floor(item, acting_user=speaker.user)
    proposal = item.proposals.get()
    amendment = proposal.amendments.order_by("number").first()
    ballot = actions.check_open_ballot(
        item, subject="amendment", amendment_id=amendment.pk, acting_user=chair
    )
    for seat in selectors.presence(meeting).seats:
        if seat.proxy_for is None and seat.in_room:
            actions.check_record_room_vote(ballot.pk, seat.voter.pk, "no", acting_user=secretary)
    actions.check_close_ballot(ballot.pk, acting_user=chair)
    ballot = actions.check_open_ballot(
        item, subject="proposal", proposal_id=proposal.pk, rule="absolute", acting_user=chair
    )
    for seat in selectors.presence(meeting).seats:
        if seat.proxy_for is None and seat.in_room:
            actions.check_record_room_vote(ballot.pk, seat.voter.pk, "yes", acting_user=secretary)
    actions.check_close_ballot(ballot.pk, acting_user=chair)
    actions.check_close_meeting(meeting, acting_user=chair)
    return chair, secretary, approval, speaker


@pytest.fixture
def held(demo, django_capture_on_commit_callbacks):
    meeting = Meeting.objects.get(title=UPCOMING_TITLE)
    # What each close sets off after its commit (the minutes' approval, the archive's index).
    with django_capture_on_commit_callbacks(execute=True):
        chair, secretary, approval, speaker = _run_upcoming(meeting)
    meeting.refresh_from_db()
    return meeting, chair, secretary, approval, speaker


def test_demo_past_meetings_have_published_minutes_all_but_the_last_approved(demo):
    # The French originals (the English tree holds their aliases).
    pages = list(MinutesPage.objects.live().filter(alias_of=None).order_by("meeting__start"))
    # The installation meeting, then three ordinary meetings.
    assert len(pages) == 4
    approved = [MinutesApproval.objects.filter(minutes=p).first() for p in pages]
    assert all(a is not None for a in approved[:3])
    assert approved[3] is None
    assert approved[0].decision.meeting == pages[1].meeting
    html = Client().get(pages[0].url).content.decode()
    assert "Approuvé par le conseil le" in html
    assert f"décision n° {approved[0].decision.reference}" in html
    assert "Pas encore approuvé" in Client().get(pages[3].url).content.decode()
    # The installation's minutes give each election round per candidate.
    installation = Client().get(pages[0].url).content.decode()
    assert "Marie Lambert : 6 ; Luc Peeters : 3 ; blancs : 1" in installation


def test_approval_ballot_marks_the_previous_minutes_approved(held):
    meeting, _chair, _secretary, approval, _speaker = held
    assert approval.outcome == Decision.Outcome.ADOPTED
    assert approval.agenda_item.kind == AgendaItem.Kind.MINUTES_APPROVAL
    last_past = (
        Meeting.objects.filter(council=meeting.council, start__lt=meeting.start)
        .order_by("-start")
        .first()
    )
    record = MinutesApproval.objects.get(decision=approval)
    assert record.minutes.meeting == last_past
    assert record.approved_on == timezone.localdate(approval.closed_at)
    html = Client().get(record.minutes.url).content.decode()
    assert "Approuvé par le conseil le" in html
    assert approval.reference in html


def test_recorded_decisions_enter_the_archive_search_index(held):
    from django.db import connection

    from cms.models import DecisionSearch

    meeting = held[0]
    decisions = Decision.objects.filter(meeting=meeting)
    indexed = DecisionSearch.objects.filter(decision__in=decisions).count()
    if connection.vendor == "postgresql":
        assert indexed == decisions.count() == 3
        found = Client().get("/decisions/", {"q": "guichets téléphoniques"}).content.decode()
        assert "décision trouvée" in found or "décisions trouvées" in found
        assert meeting.title in found
    else:
        assert indexed == 0  # SQLite searches words; the index is PostgreSQL's


def test_rejected_approval_ballot_approves_nothing(demo, django_capture_on_commit_callbacks):
    from council.models import Role

    meeting = Meeting.objects.get(title=UPCOMING_TITLE)
    chair = meeting.council.memberships.get(role=Role.CHAIR).user
    secretary = meeting.council.memberships.get(role=Role.SECRETARY).user
    actions.check_open_meeting(meeting, acting_user=chair)
    item = selectors.agenda(meeting)[0]
    actions.check_open_item(item, acting_user=chair)
    ballot = actions.check_open_ballot(
        item, subject="procedural", question="Approuver ?", acting_user=chair
    )
    for seat in selectors.presence(meeting).seats:
        if seat.proxy_for is None and seat.in_room:
            actions.check_record_room_vote(ballot.pk, seat.voter.pk, "no", acting_user=secretary)
    before = MinutesApproval.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        decision = actions.check_close_ballot(ballot.pk, acting_user=chair)
    assert decision.outcome == Decision.Outcome.REJECTED
    assert MinutesApproval.objects.count() == before


def test_draft_holds_every_section_from_the_meeting_record(held):
    meeting, _chair, secretary, _approval, speaker = held
    head = chain.head()
    page = minutes.check_generate_minutes(meeting, acting_user=secretary)
    assert not page.live
    assert page.head_hash == head[1] and page.head_position == head[0]
    text = _text(MinutesPage.objects.get(pk=page.pk).get_latest_revision_as_object())
    presence = selectors.presence(meeting)
    for heading in ("Présences", "Quorum", "Ordre du jour et débats", "Décisions"):
        assert heading in text
    assert "Présent·es en salle" in text and "Présent·es à distance" in text
    assert "Excusé·es" in text
    substitute = next(a for a in presence.attendance.values() if a.replaces_id)
    assert f"{substitute.membership.user} remplace {substitute.replaces.user}" in text
    proxy = presence.proxies[0]
    assert f"{proxy.giver.user} a donné procuration à {proxy.holder.user}" in text
    assert f"quorum de {presence.quorum.required}" in text
    for item in selectors.agenda(meeting):
        assert item.title in text
    assert str(speaker.user) in text
    assert "Amendement 1" in text and "rejeté" in text
    decisions = list(Decision.objects.filter(meeting=meeting))
    assert len(decisions) == 3
    for decision in decisions:
        assert f"décision n° {decision.reference}" in text
        assert decision.get_rule_display() in text
    assert head[1] in text


def test_generation_is_refused_before_the_meeting_closes_and_to_members(demo):
    from council.models import Role

    meeting = Meeting.objects.get(title=UPCOMING_TITLE)
    secretary = meeting.council.memberships.get(role=Role.SECRETARY).user
    with pytest.raises(ActionError, match="une fois la séance close"):
        minutes.check_generate_minutes(meeting, acting_user=secretary)
    closed = Meeting.objects.filter(state=Meeting.State.CLOSED).first()
    member = meeting.council.memberships.filter(role=Role.MEMBER).first().user
    with pytest.raises(ActionError, match="Seuls la présidence et le secrétariat"):
        minutes.check_generate_minutes(closed, acting_user=member)
    # The demo already wrote these minutes.
    with pytest.raises(ActionError, match="existe déjà"):
        minutes.check_generate_minutes(closed, acting_user=secretary)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_secretariat_generates_from_the_admin_submits_and_only_the_chair_publishes(held, settings):
    settings.DEMO = True  # demo accounts may skip TOTP set-up
    meeting, chair, secretary, _approval, _speaker = held
    secretariat = _client(secretary)
    url = reverse("cms_generate_minutes", args=(meeting.pk,))
    listing = secretariat.get(reverse("wagtailsnippets_deliberation_meeting:list"))
    assert url in listing.content.decode()
    form = secretariat.get(url)
    assert form.status_code == 200
    assert '<form method="post">' in form.content.decode()
    response = secretariat.post(url)
    assert response.status_code == 302
    page = MinutesPage.objects.get(meeting=meeting, alias_of=None)
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    # A second POST is refused with a message, not a 500.
    again = secretariat.post(url)
    assert again.status_code == 400
    assert "existe déjà" in again.content.decode()

    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    edit = secretariat.get(edit_url)
    assert edit.status_code == 200
    assert 'name="action-publish"' not in edit.content.decode()
    from wagtail.models import Workflow

    workflow = page.get_workflow()
    assert isinstance(workflow, Workflow)
    workflow.start(page, secretary)
    page.refresh_from_db()
    assert page.workflow_in_progress and not page.live
    assert Client().get(page.url).status_code == 404

    task_state = page.current_workflow_task_state
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)
    )
    # The secretariat may not approve its own submission.
    secretariat.post(approve_url, {"comment": ""})
    page.refresh_from_db()
    assert not page.live
    assert _client(chair).post(approve_url, {"comment": ""}).status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert Client().get(page.url).status_code == 200
    # Its places in the English and Dutch trees, aliases, were drafts and are published with it.
    aliases = {a.locale.language_code: a for a in MinutesPage.objects.filter(alias_of=page)}
    assert sorted(aliases) == ["en", "nl"]
    assert aliases["en"].url.startswith("/en/meetings/")
    assert aliases["nl"].url.startswith("/nl/vergaderingen/")
    for alias in aliases.values():
        assert alias.live and Client().get(alias.url).status_code == 200


def test_minutes_pdf_prints_every_decision_number_and_the_head_hash(held):
    meeting, _chair, secretary, _approval, _speaker = held
    page = minutes.check_generate_minutes(meeting, acting_user=secretary)
    page.save_revision().publish()
    response = Client().get(page.url + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    decisions = list(Decision.objects.filter(meeting=meeting))
    assert decisions
    for decision in decisions:
        assert f"Décision n° {decision.reference}" in text
    # A long hash may wrap: compare without spaces.
    assert page.head_hash in text.replace(" ", "")
    assert "Tagged:          yes" in pdf_info(response.content)


def test_approved_minutes_can_no_longer_be_edited(demo, settings):
    settings.DEMO = True
    from council.models import Role

    page = MinutesPage.objects.filter(approval__isnull=False).first()
    secretary = page.meeting.council.memberships.get(role=Role.SECRETARY).user
    assert not page.permissions_for_user(secretary).can_edit()
    response = _client(secretary).get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code in (302, 403)


def test_meeting_page_and_decision_permalink_link_the_minutes(demo):
    page = MinutesPage.objects.live().order_by("meeting__start").first()
    client = Client()
    meeting_html = client.get(page.get_parent().url).content.decode()
    assert page.url in meeting_html
    decision = Decision.objects.filter(meeting=page.meeting).first()
    from cms.archive.links import decision_url

    assert page.url in client.get(decision_url(decision)).content.decode()


def test_minutes_page_query_count_does_not_grow_with_decisions(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = list(MinutesPage.objects.live().filter(alias_of=None).order_by("meeting__start"))
    sizes, counts = [], []
    client = Client()
    for page in pages:
        client.get(page.url)  # warm the site and locale caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.url).status_code == 200
        sizes.append(Decision.objects.filter(meeting=page.meeting).count())
        counts.append(len(queries))
    assert len(set(sizes)) > 1, sizes
    assert len(set(counts)) == 1, (sizes, counts)


def test_admin_form_explains_why_minutes_cannot_be_written_yet(demo, settings):
    settings.DEMO = True
    from council.models import Role

    meeting = Meeting.objects.get(title=UPCOMING_TITLE)
    secretary = meeting.council.memberships.get(role=Role.SECRETARY).user
    url = reverse("cms_generate_minutes", args=(meeting.pk,))
    client = _client(secretary)
    listing = client.get(reverse("wagtailsnippets_deliberation_meeting:list")).content.decode()
    assert url not in listing
    page = client.get(url)
    assert page.status_code == 200
    assert "une fois la séance close" in page.content.decode()
    refused = client.post(url)
    assert refused.status_code == 400
    assert "une fois la séance close" in refused.content.decode()
    assert not MinutesPage.objects.filter(meeting=meeting).exists()
