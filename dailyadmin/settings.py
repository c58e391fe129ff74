"""Settings, read from the environment only.

With nothing set, the dashboard runs on embedded defaults: SQLite and a file
cache under ``var/``, and a Celery broker on the filesystem, so a fresh machine
needs no server. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` switches
the cache, the locks and the Celery broker to Redis.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from daily.hosts import HostPolicy
from dailyadmin import keys
from dailyadmin.email_settings import email_settings
from dailyadmin.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DAILYADMIN_VAR_DIR", str(BASE_DIR / "var")))
# The embedded defaults (SQLite, file cache, file broker, collected static
# files) all live here; creating it up front saves every process a race.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

# Off unless asked for: `make run` and the test suite turn it on. Outside DEBUG the process
# refuses to start without its own secrets (dailyadmin/keys.py, docs/security.md).
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = keys.secret_key(DEBUG)
# Previous keys, still accepted for signatures made with them (sessions, password-reset
# links), so SECRET_KEY can be rotated without logging everybody out (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin, whose site asks for the second factor (twofactor/admin_site.py).
    "twofactor.apps.SecondFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's widget templates, for the project's form renderer (FORM_RENDERER below).
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "teams",
    "rooms",
    "attendance",
    "recordings",
    "usage",
    "twofactor",
    "sso",
    # The pages that compose the apps above (overview, users, the navigation, `make run`).
    "dashboard",
]

MIDDLEWARE = [
    # First, so every log record of the request carries its id, team and user.
    "dailyadmin.logs.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Counts and times every answer past static files, by URL name (dailyadmin/metrics.py).
    "dailyadmin.metrics.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language, else English
    # (docs/operations.md, "Languages"). After the session, before CommonMiddleware.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session entered a second-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dailyadmin.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "dailyadmin.urls"
WSGI_APPLICATION = "dailyadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teams.context_processors.current_team",
                "dashboard.context_processors.navigation",
            ],
        },
    },
]

# Every form's fields are drawn by the project's templates/forms/ (dailyadmin/forms.py).
FORM_RENDERER = "dailyadmin.forms.FormRenderer"

# --- Database -----------------------------------------------------------------
_database_url = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if _database_url:
    # Persistent connections are checked before reuse in each request: after a database
    # restart the first request of every thread gets a new connection, not an error.
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # An unreachable server fails a request (and /readyz) in seconds, not minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        # No JIT compilation: a report reads a few thousand summary rows through index
        # probes whose estimated cost crosses jit_above_cost, and compiling them took 475 ms
        # of a 523 ms query (EXPLAIN ANALYZE of the usage chart's people, 1M sessions).
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dailyadmin.sqlite3",
            # The web server, the worker and beat share this file.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "dailyadmin.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dailyadmin",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # A task whose worker died is redelivered after this many seconds; it must
    # be longer than the longest task (CELERY_TASK_TIME_LIMIT).
    _visibility = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility,
        # How often a worker looks for messages whose worker died; scaled down
        # with a short visibility timeout so redelivery follows it closely.
        "unacked_restore_interval": min(10, _visibility),
        "unacked_restore_throttle": 1 if _visibility < 60 else 10,
    }
else:
    # A file cache, not local memory: the web server and the worker are
    # separate processes and must see one another's invalidations.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
    _celery_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DAILY_SYNC_INTERVAL = env_int("DAILY_SYNC_INTERVAL", 300, minimum=30)
DAILY_SYNC_INITIAL_DAYS = env_int("DAILY_SYNC_INITIAL_DAYS", 90, minimum=1)
# A sync run renews its per-team lease as it goes; a dead run's lease lapses after this.
DAILY_SYNC_LEASE_SECONDS = env_int("DAILY_SYNC_LEASE_SECONDS", 120, minimum=1)
# The rooms mirror (rooms.mirror): the newest rooms are read this often per team, the
# whole list (rooms deleted or changed outside the dashboard) this often; a walk renews
# its per-team lease with each page, and a dead walk's lease lapses after this.
ROOMS_MIRROR_REFRESH_SECONDS = env_int("ROOMS_MIRROR_REFRESH_SECONDS", 60, minimum=10)
ROOMS_MIRROR_RECONCILE_SECONDS = env_int("ROOMS_MIRROR_RECONCILE_SECONDS", 6 * 3600, minimum=300)
ROOMS_MIRROR_LEASE_SECONDS = env_int("ROOMS_MIRROR_LEASE_SECONDS", 120, minimum=1)
# How often the worker walks each REST team's recordings list (recordings.mirror), and
# after how long a walk whose worker died is taken up by another.
RECORDINGS_MIRROR_REFRESH_SECONDS = env_int("RECORDINGS_MIRROR_REFRESH_SECONDS", 600, minimum=60)
RECORDINGS_MIRROR_LEASE_SECONDS = env_int("RECORDINGS_MIRROR_LEASE_SECONDS", 120, minimum=1)
# A refresh reads at most this many pages of 100 new rooms; more are left to a reconcile.
ROOMS_MIRROR_REFRESH_MAX_PAGES = env_int("ROOMS_MIRROR_REFRESH_MAX_PAGES", 50, minimum=1)
# Bulk actions (rooms.bulk): a job's runner renews its lease before every room; a killed
# worker's job is taken up again once it lapses. A task runs a job for at most a slice,
# then queues the rest, so no task meets the time limits.
DAILY_BULK_LEASE_SECONDS = env_int("DAILY_BULK_LEASE_SECONDS", 60, minimum=1)
DAILY_BULK_SLICE_SECONDS = env_int("DAILY_BULK_SLICE_SECONDS", 600, minimum=1)
# Task modules beyond each app's `tasks` (which Celery finds by itself).
CELERY_IMPORTS = ["rooms.bulk_tasks"]
CELERY_BEAT_SCHEDULE = {
    # One entry for every team: it queues the teams whose own interval has passed.
    "attendance-dispatch-due-syncs": {
        "task": "attendance.tasks.dispatch_due_syncs",
        "schedule": 60.0,
    },
    # One entry for every team: fills not started or interrupted, refreshes, reconciles.
    "rooms-dispatch-mirror-work": {
        "task": "rooms.tasks.dispatch_mirror_work",
        "schedule": 30.0,
    },
    # Alerts to the owners of teams whose sync or webhook stopped (attendance.alerts).
    "attendance-check-alerts": {
        "task": "attendance.tasks.check_alerts",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Recordings: a walk of each REST team's list when due, and enabled retention runs.
    "recordings-dispatch-work": {
        "task": "recordings.tasks.dispatch_recordings_work",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Attendance digests due (usage.digests): each once per period, whatever runs twice.
    "usage-send-digests": {
        "task": "usage.tasks.send_due_digests",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # Bulk jobs that no runner holds (a killed worker, a lost message) are queued again.
    "rooms-dispatch-bulk-jobs": {
        "task": "rooms.bulk_tasks.dispatch_bulk_jobs",
        "schedule": 60.0,
        # Behind a long task on a busy worker, a late dispatch is dropped: the next comes.
        "options": {"expires": 55},
    },
}

# --- Encryption of API tokens at rest ------------------------------------------
# FIELD_ENCRYPTION_KEY is a comma-separated list of Fernet keys: the first
# encrypts, all decrypt, so a key can be rotated without losing a token.
# Outside DEBUG it must be set, independent of SECRET_KEY; every key is checked here.
FIELD_ENCRYPTION_KEYS = keys.field_encryption_keys(DEBUG, SECRET_KEY)

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on's callback only (sso/backends.py); inert while OIDC_ISSUER is unset.
    "sso.backends.OIDCBackend",
]
# Single sign-on with OpenID Connect (sso/): off unless OIDC_ISSUER is set. The provider's
# endpoints come from <issuer>/.well-known/openid-configuration; sso/conf.py checks these.
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_AUTO_CREATE = env_bool("OIDC_AUTO_CREATE", False)
OIDC_DEFAULT_TEAM = env_str("OIDC_DEFAULT_TEAM", "")
OIDC_DEFAULT_ROLE = env_str("OIDC_DEFAULT_ROLE", "manager")
OIDC_SIGN_ALGORITHM = env_str("OIDC_SIGN_ALGORITHM", "RS256")
# Logging out also ends the session at the provider (its end_session_endpoint).
OIDC_LOGOUT_AT_PROVIDER = env_bool("OIDC_LOGOUT_AT_PROVIDER", False)
# Login throttle (teams/auth.py): attempts per username and client address, and per
# address alone, within a window of seconds that starts with the first attempt.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5, minimum=1)
LOGIN_THROTTLE_ADDRESS_ATTEMPTS = env_int("LOGIN_THROTTLE_ADDRESS_ATTEMPTS", 50, minimum=1)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 15 * 60, minimum=60)
# The request header holding the client's address, set by a proxy you control (e.g.
# "X-Real-IP"); empty: REMOTE_ADDR. Never name a header the client can set unchecked.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
# Second factor (twofactor/): the name authenticator apps show, how long the login's code
# step waits after the password (seconds), and whether staff without a second factor are
# kept out of Django's admin (accounts with one always need a code there).
OTP_TOTP_ISSUER = env_str("SECOND_FACTOR_ISSUER", "dailyadmin")
SECOND_FACTOR_LOGIN_SECONDS = env_int("SECOND_FACTOR_LOGIN_SECONDS", 300, minimum=30)
ADMIN_REQUIRE_SECOND_FACTOR = env_bool("ADMIN_REQUIRE_SECOND_FACTOR", True)
# The admin never shows an authenticator's secret or QR code (django-otp's device pages).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Email ----------------------------------------------------------------------------
# EMAIL_URL (smtp://, smtps://, console://, file://...) or EMAIL_HOST and its companions;
# with neither, mail is printed on the console (dailyadmin/email_settings.py). The URL is
# parsed here and never kept: it holds the SMTP password.
_email = email_settings(base_dir=BASE_DIR)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT", 10)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = _email["DEFAULT_FROM_EMAIL"]
SERVER_EMAIL = _email["SERVER_EMAIL"]
del _email
EMAIL_SUBJECT_PREFIX = "[dailyadmin] "
# The dashboard's address as people reach it (https://dash.example.com), for the links in
# mail sent by the worker (alerts), which has no request to take it from.
DASHBOARD_URL = env_str("DASHBOARD_URL", "").rstrip("/")
# Password reset links and invitations stop working after this many seconds / days.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600, minimum=300)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1, maximum=90)
# Password reset requests (dailyadmin/password_reset.py): per email address and per client
# address, within LOGIN_THROTTLE_WINDOW.
PASSWORD_RESET_THROTTLE_ATTEMPTS = env_int("PASSWORD_RESET_THROTTLE_ATTEMPTS", 3, minimum=1)
PASSWORD_RESET_THROTTLE_ADDRESS_ATTEMPTS = env_int(
    "PASSWORD_RESET_THROTTLE_ADDRESS_ATTEMPTS", 10, minimum=1
)
# Owners are emailed when a team's sync has not succeeded for this many minutes (0: never).
SYNC_STALE_ALERT_MINUTES = env_int("SYNC_STALE_ALERT_MINUTES", 120, minimum=0)

# --- I18N ---------------------------------------------------------------------
# English, and every language with a complete catalog (docs/operations.md, "Languages").
# No language prefix in URLs: a dashboard link is shared between colleagues, each of whom
# reads it in their own language (the switcher's cookie, else the browser's).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# Each app's strings in `<app>/locale/`; these for templates/ and dailyadmin/.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Error reports (mail to ADMINS, the technical 500 page) hide secrets: dailyadmin/reporting.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "dailyadmin.reporting.SecretsReporterFilter"

# --- Security headers ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Probes and the metrics scraper talk plain HTTP to the container, not through the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # `check --deploy` warns about this (security.W021), on purpose: submitting a domain
    # to the browsers' preload list commits it and every subdomain to HTTPS for months,
    # and cannot be undone quickly. That is the operator's decision for their whole
    # domain, not this application's; set SECURE_HSTS_PRELOAD=1 to opt in
    # (docs/operations.md, "The deployment check").
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# htmx 2 runs without inline script or eval; its indicator styles are turned
# off in base.html (htmx-config) so no inline style is injected either.
# In DEBUG, pictures from loopback too: the simulator serves the demo users' profile
# pictures itself over plain HTTP (simulator/avatars.py), so a demo never reaches outside.
_IMG_SRC = "'self' data: https:" + (" http://127.0.0.1:* http://localhost:*" if DEBUG else "")
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; img-src {_IMG_SRC}; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)

# --- Logging ------------------------------------------------------------------------
# LOG_FORMAT: json (one object per line, with the request id, team and user: the
# default outside DEBUG) or text (development). dailyadmin/logs.py.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "dailyadmin.logs.ContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "dailyadmin.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG this logger dumps whole template contexts (a freshly issued meeting token,
        # the CSRF token) for every missing variable; it stays quiet even at LOG_LEVEL=DEBUG.
        "django.template": {"level": "INFO"},
    },
}

# --- Metrics and error reports (docs/operations.md) ------------------------------------
# /metrics answers only with this key (Authorization: Bearer <key>, or Basic with it as
# the password); unset, /metrics is 404, as if it did not exist.
METRICS_KEY = env_str("METRICS_KEY", "")
# Counters of every process (gunicorn workers, Celery workers) are written here and summed
# at scrape time: web, worker and beat must share it (a volume in docker-compose.yml).
METRICS_DIR = Path(env_str("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "metrics")))
METRICS_DIR.mkdir(parents=True, exist_ok=True)
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from dailyadmin import sentry

    sentry.init(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", ""),
        release=env_str("SENTRY_RELEASE", ""),
    )

# --- The dashboard ------------------------------------------------------------------
# How long "who is in a room now" (REST presence) is reused between page views (seconds).
DAILY_PRESENCE_CACHE_SECONDS = env_int("DAILY_PRESENCE_CACHE_SECONDS", 10, minimum=0)
# Facts about the synced history (attendance.reports.known); forgotten on every write.
ATTENDANCE_KNOWN_CACHE_SECONDS = 3600
DAILY_HTTP_TIMEOUT = (3.05, float(env_int("DAILY_HTTP_TIMEOUT", 10, minimum=1)))
# The hosts a team's API base URL may name, so no owner can send its token elsewhere
# (daily/hosts.py, docs/security.md): `host` (any port) or `host:port`. Addresses that are
# not public (loopback, private, link-local) are reached only when listed as addresses.
DAILY_API_HOSTS = env_list("DAILY_API_HOSTS", ["api.daily.co", "prod-ks.pluot.blue"])
try:
    HostPolicy.parse(DAILY_API_HOSTS)
except ValueError as _exc:
    raise ImproperlyConfigured(f"DAILY_API_HOSTS: {_exc}") from None
if not DAILY_API_HOSTS:
    raise ImproperlyConfigured("DAILY_API_HOSTS must list at least one host")
# Who may connect a Daily team from the dashboard ("Connect a Daily team"; they become its
# owner): "superusers" (the default), "staff" (and superusers), or "everyone" with a login.
TEAM_CONNECT_ALLOWED = env_str("TEAM_CONNECT_ALLOWED", "superusers").strip().lower()
if TEAM_CONNECT_ALLOWED not in ("superusers", "staff", "everyone"):
    raise ImproperlyConfigured(
        f"TEAM_CONNECT_ALLOWED must be superusers, staff or everyone; got {TEAM_CONNECT_ALLOWED!r}"
    )
# Every request to Daily takes a slot under Daily's documented rate limits, shared by all of
# a team's work in every process (daily/pacing.py, teams/pacing.py). A page view waits at
# most DAILY_PACING_MAX_WAIT seconds for its slot, background work as long as it takes.
DAILY_PACING = env_bool("DAILY_PACING", True)
DAILY_PACING_MAX_WAIT = float(env_int("DAILY_PACING_MAX_WAIT", 5, minimum=0))
DAILY_PACING_MAX_WAIT_BACKGROUND = float(
    env_int("DAILY_PACING_MAX_WAIT_BACKGROUND", 600, minimum=1)
)
# The share of Daily's documented rate that the dashboard plans to use (percent).
DAILY_RATE_UTILISATION = env_int("DAILY_RATE_UTILISATION", 95, minimum=10, maximum=100) / 100
# The rooms list's covering indexes carry their row's columns with INCLUDE on PostgreSQL;
# SQLite (the embedded default) builds the same indexes without them, which is all it can do.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
