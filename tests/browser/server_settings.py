"""Settings of the daphne process that browser tests drive: the project's own, plus a few
adjustments that only make sense because the test process resets the database between
tests and reads what the server e-mails."""

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

# The page cache is invalidated in the process that makes a change. The test process
# changes rows too (its fixtures, on_main_thread): only a cache both processes share
# (Redis, CI's second pass) sees those invalidations.
PAGE_CACHE = bool(REDIS_URL)

# Tests seed accounts with a fast hasher (seeding 17 PBKDF2 hashes per test would dominate
# the run); the server keeps the production hasher first and merely accepts those hashes.
PASSWORD_HASHERS = [
    *global_settings.PASSWORD_HASHERS,
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

# What the server e-mails (a confirmation link, say) lands in files a test can read.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["BROWSER_TEST_MAIL_DIR"]
