"""Settings for Conseil ouvert, read from the environment.

The embedded default (nothing set) is one process on SQLite with an in-memory channel
layer and a local-memory cache. DATABASE_URL moves to PostgreSQL, REDIS_URL moves the
channel layer and the cache to Redis, DJANGO_ENV=production turns on every deploy check.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from council.links import ABSOLUTE_URLS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return value in {"1", "true", "yes", "on"} if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production.")
    return value


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
# Demo mode: seeded accounts are pre-verified and MFA is not enforced for them.
DEMO = env_bool("DEMO")

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or env_list(env_required("ALLOWED_HOSTS"))
    DEBUG = False
else:
    SECRET_KEY = os.environ.get(
        "SECRET_KEY", "development-only-key-not-for-production-8c1f0b7e4d2a9f6e3b5c7d1a0e9f8b7c"
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
    DEBUG = env_bool("DEBUG", default=False)

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "council",
    "deliberation",
    "cms",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "channels",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "council.security.ContentSecurityPolicyMiddleware",
    "cms.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.site_cache.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "council.middleware.RequireMFAMiddleware",
    "council.admin_gate.AdminGateMiddleware",
]

ROOT_URLCONF = "council.urls"
ASGI_APPLICATION = "council.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if PRODUCTION and not DATABASE_URL:
    env_required("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI a request's queries may run in a thread of their own: persistent
        # connections (CONN_MAX_AGE) would pile up until PostgreSQL refuses more clients.
        # A pool per process instead; with health checks, a connection broken by a
        # database restart is replaced when it is taken. A request waits for a connection
        # a few seconds at most (a restart of a second goes unnoticed), then gets the 503 page.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": 2,
                "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
                "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "3")),
            }
        }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_conseil")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # WAL lets readers go on during a write; IMMEDIATE makes every transaction take
            # the write lock when it begins, so concurrent votes wait for each other (up to
            # the timeout) instead of failing with "database is locked" when a read
            # transaction tries to become a write one.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory: the browser tests' daphne process opens the same database.
            "TEST": {
                "NAME": os.environ.get("TEST_SQLITE_PATH", str(BASE_DIR / ".test-db.sqlite3"))
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and (_worker := os.environ.get("PYTEST_XDIST_WORKER")):
    # Each parallel test worker (and the servers it starts) has its own Redis database.
    REDIS_URL = f"{REDIS_URL.rsplit('/', 1)[0]}/{10 + int(_worker.removeprefix('gw'))}"
if PRODUCTION and not REDIS_URL:
    env_required("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s timeout by default, exactly the time
                # channels-redis blocks waiting for a message (BZPOPMIN, 5 s): an idle
                # socket's wait then ends in a read timeout that kills its consumer. Longer.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "conseil"),
                # A watcher that falls behind loses messages silently past capacity:
                # leave room for a busy session.
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
    redis_cache = {"LOCATION": REDIS_URL, "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "conseil")}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", **redis_cache}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- People and accounts --------------------------------------------------------------

AUTH_USER_MODEL = "council.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A decision's public page is the publication layer's (council/links.py).
ABSOLUTE_URL_OVERRIDES = ABSOLUTE_URLS
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Accounts created on a login letter have no e-mail address: they log in by username.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_ADAPTER = "council.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Conseil ouvert] "
# Messages greet people by name (User.__str__), not by their generated username.
ACCOUNT_USER_DISPLAY = str
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Conseil ouvert"
# Every password form is allauth's (council/admin_gate.py sends the admins' forms there).
# allauth's defaults, stated so that an upgrade cannot loosen them unnoticed: five wrong
# passwords for one account in five minutes (ten a minute from one address) and the
# login page refuses even the right one until the window passes; the same counter guards
# reauthentication and the TOTP step.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Activating TOTP counts as passing it in this session (council/mfa.py).
MFA_FORMS = {"activate_totp": "council.mfa.ActivateTOTPForm"}

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Notifications -------------------------------------------------------------------------

# Wagtail's own tasks stay immediate; notifications go to the database queue that
# `manage.py db_worker --backend notifications --queue-name notifications` works through.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "notifications": {
        "BACKEND": os.environ.get("NOTIFICATIONS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["notifications"],
    },
}
# An SMS gateway that takes an HTTP POST {"to", "message"} with a bearer token; unset = no SMS.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "5"))
# Run by `manage.py send_notifications` each time: notices that depend on the clock.
NOTIFICATION_PERIODIC = ["deliberation.actions.notices.notify_consultations"]
# How long a printed login letter's one-time code stays valid.
LOGIN_LETTER_DAYS = int(os.environ.get("LOGIN_LETTER_DAYS", "14"))

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Conseil ouvert <conseil@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages --------------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    # Served straight from the source folders: no collectstatic step to forget.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# --- Wagtail -----------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Conseil ouvert"
# Days after which a recommendation sent to the college without a response is flagged.
FOLLOW_UP_DAYS = int(os.environ.get("FOLLOW_UP_DAYS", "90"))
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# On PostgreSQL the database backend uses full-text search; "french" stems the source
# language (SQLite's FTS5 ignores this option).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
}
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "avif"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "csv", "txt"]

# --- Security ------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the session: no second cookie (Django's cookie storage deletes
# its cookie without the Secure flag, and cannot take the __Host- prefix).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# No inline script or style anywhere on the public site; WebSockets go to this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Video (deliberation/video.py). The members' videoconference is the commune's Jitsi Meet at
# JITSI_DOMAIN (a host name, e.g. meet.example.org), unless a meeting names another link; with
# JITSI_APP_SECRET each member gets a token signed for the room (Jitsi's token
# authentication, app_id JITSI_APP_ID). VIDEO_EMBED_DOMAINS lists the hosts whose players a
# page may frame (the public livestream, e.g. a PeerTube instance): the CSP's frame-src
# allows exactly these and JITSI_DOMAIN (council/security.py), nothing else.
JITSI_DOMAIN = os.environ.get("JITSI_DOMAIN", "")
JITSI_APP_ID = os.environ.get("JITSI_APP_ID", "")
JITSI_APP_SECRET = os.environ.get("JITSI_APP_SECRET", "")
JITSI_TOKEN_AUDIENCE = os.environ.get("JITSI_TOKEN_AUDIENCE", "jitsi")
VIDEO_EMBED_DOMAINS = env_list("VIDEO_EMBED_DOMAINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

SITE_NAME = _("Conseil ouvert")

# One door (council/admin_gate.py): the admins and private pages log in, and passwords
# change, through allauth; no shared page or document passwords; no avatars from elsewhere.
WAGTAILADMIN_LOGIN_URL = WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PRIVATE_PAGE_OPTIONS = WAGTAILDOCS_PRIVATE_DOCUMENT_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# With DEMO=1 the seeded demo accounts (this domain) may skip TOTP set-up.
DEMO_EMAIL_DOMAIN = "example.org"
