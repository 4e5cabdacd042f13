import os
import time

import pytest
from django.core.management import call_command

from tests.factories import make_council


def pytest_collection_modifyitems(config, items):
    # What needs a service runs whenever its URL is set (CI sets both), and is skipped,
    # visibly, when it is not.
    for item in items:
        if "postgres" in item.keywords and not os.environ.get("DATABASE_URL", "").startswith(
            "postgres"
        ):
            item.add_marker(pytest.mark.skip(reason="DATABASE_URL (PostgreSQL) not set"))
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="REDIS_URL not set"))


SERVICE_REASONS = ("DATABASE_URL (PostgreSQL) not set", "REDIS_URL not set")


def pytest_terminal_summary(terminalreporter):
    """Say how many tests waited for PostgreSQL or Redis, and the command that runs them."""
    skipped = terminalreporter.stats.get("skipped", [])
    waiting = [r for r in skipped if any(reason in str(r.longrepr) for reason in SERVICE_REASONS)]
    if waiting:
        terminalreporter.write_line(
            f"{len(waiting)} tests need PostgreSQL or Redis and were skipped: "
            "`make test-services` runs the whole suite on them (PostgreSQL on 127.0.0.1:5432, "
            "Redis on 127.0.0.1:6379).",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashing costs ~0.3 s per account on this hardware and tests create dozens. The
    # browser tests' server accepts these hashes too (tests/browser/server_settings.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _french_by_default():
    # A request to /nl/ or /en/ leaves its language active in the thread; the next test
    # would read the actions' messages in that language.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_page_cache(request, settings):
    # Tests counting a render's queries read a page twice: the anonymous readers' page cache
    # (cms.page_cache) is on only where a test asks for it.
    if not request.node.get_closest_marker("page_cache"):
        settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache: one test's attempts must not throttle the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def mark_second_factor_passed(session, user) -> None:
    """Write into `session` what allauth records after a password and a TOTP code."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(request, monkeypatch):
    """`force_login` stands for a whole login through allauth, second factor included.
    A test about a session that skipped it is marked `second_factor_skipped`."""
    if request.node.get_closest_marker("second_factor_skipped"):
        return
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        mark_second_factor_passed(session, user)
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def council(db):
    return make_council(name="Conseil consultatif du numérique", slug="numerique")


@pytest.fixture
def demo_site(db):
    """The demo's site tree and people, as `make run` builds them."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
