"""The anonymous readers' page cache: hits cost no query, and every change that a page shows
reaches it in every language (cms.page_cache's dependency map)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from wagtail.models import Locale, Page, Site

from cms import page_cache
from cms.models import ContactSettings, MeetingPage, NewsIndexPage, NewsPage, StandardPage
from council.models import Membership, Role
from deliberation import actions
from deliberation.models import Comment, Decision, Meeting
from tests.deliberation.conftest import People, Session
from tests.factories import make_council

pytestmark = pytest.mark.page_cache

LANGUAGES = ("fr", "nl", "en")


def html(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def warm(paths: list[str]) -> dict[str, str]:
    """Read each page twice anonymously: the first learns what it reads, the second stores it."""
    client = Client()
    for path in paths:
        html(client, path)
    return {path: html(client, path) for path in paths}


def assert_cached(paths: list[str], django_assert_num_queries) -> None:
    client = Client()
    for path in paths:
        with django_assert_num_queries(0, info=path):
            html(client, path)


def home_url(language: str) -> str:
    return "/" if language == "fr" else f"/{language}/"


HOMES = [home_url(lang) for lang in LANGUAGES]


def locale(language: str) -> Locale:
    return Locale.objects.get(language_code=language)


def test_page_changes_reach_every_language(demo_site, django_capture_on_commit_callbacks):
    """Publish, unpublish, schedule, move, a translation, the contact settings."""
    commits = django_capture_on_commit_callbacks
    fr_index = NewsIndexPage.objects.get(locale=locale("fr"))
    en_index = fr_index.get_translation(locale("en"))
    fr_news = NewsPage.objects.child_of(fr_index).live().first().specific
    en_news = fr_news.get_translation(locale("en")).specific
    homes = [home_url(lang) for lang in LANGUAGES]

    # Published, in French and in English: the page, its index, the home page.
    for news, index, home in ((fr_news, fr_index, "/"), (en_news, en_index, "/en/")):
        paths = [news.get_url(), index.get_url(), home]
        warm(paths)
        news.title = f"Titre revu {news.locale.language_code}"
        with commits(execute=True):
            news.save_revision().publish()
        for path in paths:
            assert news.title in html(Client(), path), path

    # Unpublished: gone from its index and the home page.
    paths = [fr_index.get_url(), "/"]
    warm(paths)
    with commits(execute=True):
        fr_news.unpublish()
    for path in paths:
        assert "Titre revu fr" not in html(Client(), path), path

    # Scheduled: Wagtail's command publishes it once its time has come.
    warm(paths)
    fr_news.refresh_from_db()
    fr_news.title = "Publication programmée"
    revision = fr_news.save_revision()
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.save()
    with commits(execute=True):
        call_command("publish_scheduled")
    for path in paths:
        assert "Publication programmée" in html(Client(), path), path

    # Moved out of the news: its index no longer links it.
    fr_news.refresh_from_db()
    warm(paths)
    with commits(execute=True):
        fr_news.move(fr_index.get_parent(), pos="last-child")
    fr_news.refresh_from_db()
    assert f'href="{fr_news.get_url()}"' in html(Client(), "/")
    assert "Publication programmée" not in html(Client(), fr_index.get_url())

    # A translation published: the English index lists it.
    warm([en_index.get_url()])
    page = NewsPage(title="Toute nouvelle", slug="toute-nouvelle", date=datetime.date(2026, 12, 1))
    with commits(execute=True):
        fr_index.add_child(instance=page)
        page.save_revision().publish()
        english = page.copy_for_translation(locale("en"))
        english.title = "Brand new"
        english.save_revision().publish()
    assert "Brand new" in html(Client(), en_index.get_url())

    # The contact settings: every page's footer.
    paths = [*homes, "/decisions/", "/en/decisions/"]
    warm(paths)
    contact = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.email = "nouvelle-adresse@example.org"
    with commits(execute=True):
        contact.save()
    for path in paths:
        assert "nouvelle-adresse@example.org" in html(Client(), path), path

    # A site saved in the admin (here, a new root page): every page is read afresh.
    warm(paths)
    other = StandardPage(title="Maison multiservice de quartier", slug="maison-multiservice")
    with commits(execute=True):
        Page.get_first_root_node().add_child(instance=other)
        other.save_revision().publish()
    assert "Maison multiservice de quartier" not in html(Client(), "/")
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    with commits(execute=True):
        site.save()
    assert "Maison multiservice de quartier" in html(Client(), "/")


def _chair(council):
    return Membership.objects.filter(council=council, role=Role.CHAIR).first().user


def test_deliberation_changes_reach_every_language(
    demo_site, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A meeting's state, a decision recorded, a consultation comment hidden; and hits
    cost no query."""
    commits = django_capture_on_commit_callbacks
    page = MeetingPage.objects.filter(
        locale=locale("fr"), meeting__state=Meeting.State.CONVENED
    ).first()
    meeting = page.meeting
    paths = [page.get_url(), page.get_translation(locale("en")).get_url(), *HOMES]
    paths += ["/decisions/", "/nl/decisions/", "/en/decisions/", "/suivi-des-recommandations/"]
    before = warm(paths)
    assert_cached(paths, django_assert_num_queries)

    with commits(execute=True):
        actions.check_open_meeting(meeting, acting_user=_chair(meeting.council))
    for path in paths[:2]:
        assert html(Client(), path) != before[path], path

    # A decision: a new meeting of the council, its ballot closed.
    people = People(make_council(name="Conseil du cache", slug="cache"))
    with commits(execute=True):
        other = actions.do_create_meeting(
            people.council,
            title="Séance du cache",
            start=timezone.now() + datetime.timedelta(hours=1),
            place="Salle",
            items=[("Point", "information"), ("Guichets du cache", "decision")],
            acting_user=people.secretary.user,
        )
        session = Session(people, other)
    archive = ["/decisions/", "/nl/decisions/", "/en/decisions/"]
    before = warm(archive)
    with commits(execute=True):
        ballot = session.open_ballot()
        for member in people.voting[:5]:
            actions.check_cast_vote(ballot.pk, "yes", acting_user=member.user)
        actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    for path in archive:
        assert html(Client(), path) != before[path], path

    # A consultation comment hidden, its reason shown in its place.
    comment = Comment.objects.filter(
        status=Comment.Status.PUBLISHED, consultation__isnull=False
    ).first()
    path = f"/consultations/{comment.consultation_id}/"
    paths = [path, f"/nl{path}", f"/en{path}"]
    warm(paths)
    with commits(execute=True):
        actions.check_hide_comment(
            comment,
            "Hors sujet du cache",
            acting_user=Membership.objects.filter(role=Role.CHAIR).first().user,
        )
    for p in paths:
        assert "Hors sujet du cache" in html(Client(), p), p


def test_logged_in_readers_and_forms_are_never_shared(demo_site, django_assert_num_queries):
    member = Membership.objects.filter(role=Role.MEMBER).select_related("user").first().user
    paths = [*HOMES, "/decisions/"]
    warm(paths)
    client = Client()
    client.force_login(member)
    mine = 'espace/">'
    for path in paths:
        assert mine in html(client, path), path
    # What a member saw is never stored for the anonymous.
    for path, anonymous in warm(paths).items():
        assert mine not in anonymous, path

    # A form with a CSRF token: each reader has their own token.
    for path in ("/notifications/", "/accounts/login/"):
        first, second = Client().get(path), Client().get(path)
        token = first.cookies["csrftoken"].value
        assert token != second.cookies["csrftoken"].value
        assert token not in second.content.decode()


def test_a_cache_that_does_not_answer_undoes_no_write_and_breaks_no_page(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    """The page cache's store away: a ballot still closes (the versions are bumped inside
    its transaction) and the archive is rendered afresh instead of answering an error."""
    people = People(make_council(name="Conseil sans cache", slug="sans-cache"))
    meeting = actions.do_create_meeting(
        people.council,
        title="Séance sans cache",
        start=timezone.now() + datetime.timedelta(hours=1),
        place="Salle",
        items=[("Point", "information"), ("Guichets sans cache", "decision")],
        acting_user=people.secretary.user,
    )
    session = Session(people, meeting)
    ballot = session.open_ballot(question="Ouvrir un guichet le samedi ?")
    for member in people.voting[:5]:
        actions.check_cast_vote(ballot.pk, "yes", acting_user=member.user)

    class Unreachable:
        def __getattr__(self, name):
            def call(*args, **kwargs):
                raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")

            return call

    monkeypatch.setattr(page_cache, "cache", Unreachable())
    with django_capture_on_commit_callbacks(execute=True):
        actions.check_close_ballot(ballot.pk, acting_user=session.chair)
    assert Decision.objects.filter(ballot=ballot).exists()
    response = Client().get("/decisions/")
    assert response.status_code == 200
    assert "Ouvrir un guichet le samedi ?" in response.content.decode()
