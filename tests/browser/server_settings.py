"""Settings of the daphne process that browser tests drive: the project's own, plus two
adjustments that only make sense because the test process resets the database between
tests."""

import os

from django.conf import global_settings

from council.settings import *  # noqa: F403
from council.settings import REDIS_URL

if not REDIS_URL:
    # A local-memory cache would live in this process only, out of reach of the test
    # process that flushes the database between tests, and keep stale Wagtail site root
    # paths and rate-limit counters. A file cache the fixture empties before each test is
    # still a real cache (allauth's rate limits keep working).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["BROWSER_TEST_CACHE_DIR"],
        }
    }

# Tests seed accounts with a fast hasher (seeding 17 PBKDF2 hashes per test would dominate
# the run); the server keeps the production hasher first and merely accepts those hashes.
PASSWORD_HASHERS = [
    *global_settings.PASSWORD_HASHERS,
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
