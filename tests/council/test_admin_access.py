import pytest

from council.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(settings, demo_site):
    settings.DEMO = True  # demo chair and secretariat may skip TOTP set-up


@pytest.mark.parametrize(
    ("email", "reaches_admin"),
    [
        ("secretariat@example.org", True),
        ("president@example.org", True),
        ("membre2@example.org", False),
        ("membre11@example.org", False),
        ("habitant@example.org", False),
    ],
)
def test_only_secretariat_and_chair_reach_the_wagtail_admin(client, email, reaches_admin):
    client.force_login(User.objects.get(email=email))
    response = client.get("/admin/")
    if reaches_admin:
        assert response.status_code == 200
    else:
        # Told so, not sent to a login page that would send them back.
        assert response.status_code == 403


def test_secretariat_can_edit_the_home_page_in_the_admin(client):
    from cms.models import HomePage

    client.force_login(User.objects.get(email="secretariat@example.org"))
    home = HomePage.objects.get(locale__language_code="fr")
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200


def test_django_admin_is_for_superusers_only(client):
    client.force_login(User.objects.get(email="secretariat@example.org"))
    assert client.get("/django-admin/").status_code == 403
