import os

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
def _fresh_cache():
    # Rate limits live in the cache: one test's attempts must not throttle the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def council(db):
    return make_council(name="Conseil consultatif du numérique", slug="numerique")


@pytest.fixture
def demo_site(db):
    """The demo's site tree and people, as `make run` builds them."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
