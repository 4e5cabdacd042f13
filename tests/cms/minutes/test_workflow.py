"""The secretariat submits a recommendation; only the chair's approval publishes it."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.models import RecommendationPage
from council.models import Role
from tests.factories import make_membership, make_user


@pytest.fixture
def staff(settings, council):
    # Demo accounts may skip the TOTP set-up the middleware otherwise demands of staff.
    settings.DEMO = True
    secretary = make_membership(Role.SECRETARY, council, make_user("sec@example.org")).user
    chair = make_membership(Role.CHAIR, council, make_user("chair@example.org")).user
    return secretary, chair


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _recommendation_form(**overrides):
    return nested_form_data(
        {
            "title": "Maintenir les guichets",
            "slug": "maintenir-les-guichets",
            "date": "2026-03-01",
            "summary": "Chaque service garde un guichet.",
            "intro": "",
            "body": streamfield([("paragraph", rich_text("<p>Un guichet par service.</p>"))]),
            "follow_up_steps": inline_formset([]),
            **overrides,
        }
    )


def test_submitted_recommendation_is_public_only_after_the_chair_approves(
    staff, recommendation_index
):
    secretary, chair = staff
    anonymous = Client()
    secretariat = logged_in(secretary)

    add_url = reverse(
        "wagtailadmin_pages:add", args=("cms", "recommendationpage", recommendation_index.pk)
    )
    form = secretariat.get(add_url)
    assert form.status_code == 200
    assert 'name="action-publish"' not in form.content.decode()
    response = secretariat.post(add_url, {**_recommendation_form(), "action-submit": "Submit"})
    assert response.status_code == 302, response.content.decode()[:2000]

    page = RecommendationPage.objects.get(slug="maintenir-les-guichets")
    assert not page.live
    assert page.workflow_in_progress
    assert anonymous.get("/recommandations/maintenir-les-guichets/").status_code == 404
    assert "Maintenir les guichets" not in anonymous.get("/recommandations/").content.decode()

    # The secretariat cannot skip the chair by publishing directly.
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    secretariat.post(edit_url, {**_recommendation_form(), "action-publish": "Publish"})
    page.refresh_from_db()
    assert not page.live

    # The chair sees it on the dashboard, then approves it.
    president = logged_in(chair)
    dashboard = president.get(reverse("wagtailadmin_home")).content.decode()
    assert "Maintenir les guichets" in dashboard
    task_state = page.current_workflow_task_state
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)
    )
    assert president.post(approve_url, {"comment": ""}).status_code in (200, 302)

    page.refresh_from_db()
    assert page.live
    assert anonymous.get("/recommandations/maintenir-les-guichets/").status_code == 200
    assert "Maintenir les guichets" in anonymous.get("/recommandations/").content.decode()


def test_every_page_inherits_the_chair_approval_workflow(home):
    workflow = Page.objects.get(pk=home.pk).get_workflow()
    assert workflow is not None
    assert workflow.name == "Approbation par la présidence"
    groups = [g.name for task in workflow.tasks for g in task.specific.groups.all()]
    assert groups == ["Présidence"]
