"""Settings of the akimat portal: one file, read top to bottom, values from the environment.

Every variable is documented in `.env.example`. A `.env` file beside `manage.py` is read first
(`make` writes a development one); real environment variables win over it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, *, debug_default: str | None = None) -> str:
    """A value production must set; with DEBUG on a development default may stand in."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if DEBUG and debug_default is not None:
        return debug_default
    raise ImproperlyConfigured(
        f"The environment variable {name} is not set. It is required when DEBUG is off; "
        "see .env.example."
    )


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_required("SECRET_KEY", debug_default="django-insecure-development-only-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    env_required("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Embedded servers: only with DEBUG on, and only where no URL is given. The URL is put back into
# the environment so that processes started from this one reuse the same servers.
EMBEDDED_DIR = BASE_DIR / "var"
if DEBUG and not os.environ.get("DATABASE_URL"):
    from akimat.embedded import postgres_urls

    os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = postgres_urls(EMBEDDED_DIR)
if DEBUG and not os.environ.get("CELERY_BROKER_URL"):
    from akimat.embedded import redis_url

    os.environ["CELERY_BROKER_URL"] = redis_url(EMBEDDED_DIR)

DATABASE_URL = env_required("DATABASE_URL")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        "DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/name)."
    )
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# Two test runs at once on one server each need their own test database (default: test_<name>).
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# The portal (web, worker, beat) logs in with DATABASE_URL as a role that owns nothing; the
# owner of the tables, DATABASE_OWNER_URL, is used only by `migrate` (and the tests' set-up),
# see akimat/roles.py. Unset, the one role of DATABASE_URL does both (a developer's own server).
# Only its login is used (user, password, host, port): the database is always DATABASE_URL's.
DATABASE_OWNER = dj_database_url.parse(os.environ.get("DATABASE_OWNER_URL") or DATABASE_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "simple_history",
    "axes",
    "akimat",
    "tasks",
    "plans",
    "reception",
    "appeals",
    "meetings",
    "journal",
    "scores",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "akimat.middleware.PrivatePagesMiddleware",
    "akimat.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "akimat.middleware.HtmxLoginRedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "akimat.urls"
WSGI_APPLICATION = "akimat.wsgi.application"

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
                "django.template.context_processors.i18n",
                "akimat.context_processors.navigation",
                "akimat.context_processors.header",
            ],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

AUTH_USER_MODEL = "akimat.User"
# django-axes first: it refuses a locked-out sign-in before the password is even checked. Every
# authenticate() call must therefore pass the request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: Russian first, then Kazakh and English; each person's choice is kept on the user.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
# The portal's own catalogue first, then its translations of Django's and the libraries' strings
# (locale/libraries, kept by `manage.py library_messages`): both win over the packages' own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
USE_I18N = True
# Kazakhstan's dates and numbers (akimat/formats): Django has no kk module. Thousands are grouped
# only in figures shown to people (floatformat's "g" flag), never by USE_THOUSAND_SEPARATOR,
# which would also put spaces into ids in links and into form values.
FORMAT_MODULE_PATH = ["akimat.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# No MEDIA_URL on purpose: attachments are served only through views that check access.

# E-mail: the console in development, SMTP in production, configured by environment.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@akimat.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address, for the links in e-mails and exports (an empty value: the default).
PORTAL_URL = os.environ.get("PORTAL_URL") or "http://127.0.0.1:8000"
# How often an open page asks for the bell's count, in seconds (tasks/bell.py explains why
# polling); a test may shorten it.
BELL_POLL_SECONDS = env_int("BELL_POLL_SECONDS", 30)

# HTTPS: on by default without DEBUG; each switch can be turned off for a plain-HTTP trial.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Preloading HSTS into browsers is a commitment for the whole domain that only its owner can
# make (SECURE_HSTS_PRELOAD), so the deployment check does not insist on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_AGE = 60 * 60 * 12

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one login from
# one address, that login is refused from that address for LOGIN_COOLOFF_MINUTES. Counting the
# pair, not the address alone, keeps one person from locking out a whole office behind one NAT;
# retrying during the lockout does not extend it, so the time the page names stays true.
AXES_FAILURE_LIMIT = max(1, env_int("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=max(1, env_int("LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "akimat.views.login_locked_out"
# The client's address is the connection's (REMOTE_ADDR), unless TRUSTED_PROXY_COUNT reverse
# proxies stand in front: then it is the one the outermost proxy appended to X-Forwarded-For,
# never a value the client could have typed into the header itself (akimat/http.py).
TRUSTED_PROXY_COUNT = max(0, env_int("TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "akimat.http.client_ip"

# Content-Security-Policy (django-csp): only the portal's own files run, style and frame it; no
# inline script or style (htmx is told not to inject its own, see base.html), no plugins, and no
# other site may frame a page or receive a form. Bootstrap draws its icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The logbook: for this many hours after writing an entry the methodologist corrects it in
# place; after that every edit first keeps the earlier text as a version.
JOURNAL_EDIT_GRACE_HOURS = env_int("JOURNAL_EDIT_GRACE_HOURS", 24)

# The nightly scores (`compute_scores`) write the directorates in this many groups at once, each
# on a database connection of its own (about one per core of the database server; 1: one pass).
SCORES_CONNECTIONS = max(1, env_int("SCORES_CONNECTIONS", 2))

# The cache: the dashboard keeps today's counted figures in it for a minute. With CACHE_URL (a
# Redis URL) the web workers share them, so one worker counts once a minute for all; without
# it each process keeps its own copy in memory.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: jobs live in each app's jobs.py (autodiscovered in akimat/celery.py).
CELERY_BROKER_URL = env_required("CELERY_BROKER_URL")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Results only for the jobs that ask for them (the nightly scores' chunks, joined by a chord).
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_RESULT_EXPIRES = 24 * 60 * 60  # seconds
CELERY_BEAT_SCHEDULE = {
    # Every evening at 21:00 local time, end the reception day: visitors still waiting are
    # recorded as gone and desks left open are closed, so tomorrow starts with an empty hall.
    "close-reception-day": {
        "task": "reception.jobs.close_reception_day",
        "schedule": crontab(hour=21, minute=0),
    },
    # Every night at 01:00 local time, make sure this year's and next year's working calendar
    # exist, so deadlines near New Year are counted in working days too.
    "fill-working-calendar": {
        "task": "akimat.jobs.fill_working_calendar",
        "schedule": crontab(hour=1, minute=0),
    },
    # Every night at 00:30 local time, set the occurrences of recurring tasks due within the
    # next five working days, so they are under the bell and in the morning digest.
    "create-recurring-occurrences": {
        "task": "tasks.jobs.create_recurring_occurrences",
        "schedule": crontab(hour=0, minute=30),
    },
    # Every night at 02:00 local time, compute the day that ended: each person's and each
    # directorate's overdue counts and bonus score, one job per directorate in parallel, retried
    # with a growing pause if the database is away (the command `compute_scores` is its twin).
    # The task lives in scores/jobs.py and keeps its old name for deployed schedules.
    "compute-scores": {
        "task": "akimat.jobs.compute_scores",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every night at 02:00 local time too, write each directorate's appeal figures of the day
    # that ended (under consideration, overdue, extensions not told in time, late redirects) for
    # the deputy's dashboard; one statement, a day already written is left as it is (the command
    # `compute_appeal_figures` is its twin).
    "compute-appeal-figures": {
        "task": "appeals.jobs.compute_appeal_figures",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every night at 03:30 local time (after the scores), walk the hash chains of the logbook and
    # of the contact log; a broken link is logged as an error and mailed to the administrators.
    # The commands `verify_logbook` and `verify_contact_log` are their twins.
    "verify-logbook": {
        "task": "journal.jobs.verify_logbook",
        "schedule": crontab(hour=3, minute=30),
    },
    "verify-contact-log": {
        "task": "reception.jobs.verify_contact_log",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every night at 04:00 local time, housekeeping: forget the double-submit tokens older than
    # two days (akimat.once) and delete the logbook's Word exports older than a week.
    "forget-spent-tokens": {
        "task": "akimat.jobs.forget_spent_tokens",
        "schedule": crontab(hour=4, minute=0),
    },
    "forget-old-exports": {
        "task": "journal.jobs.forget_old_exports",
        "schedule": crontab(hour=4, minute=0),
    },
    # Every day at 08:00 local time, mail each person their morning digest. Daily rather than
    # Monday to Friday: the service reads the working calendar and sends nothing on days off,
    # but does send on a Saturday made working by a transfer.
    "send-morning-digest": {
        "task": "tasks.jobs.send_morning_digest",
        "schedule": crontab(hour=8, minute=0),
    },
    # Every Monday at 03:00 local time, recompute the experiment's indicators for the weeks that
    # have ended (meetings from the logbook; approval time and on-time share from tasks).
    "compute-indicators": {
        "task": "journal.jobs.compute_indicators",
        "schedule": crontab(hour=3, minute=0, day_of_week=1),
    },
}

# Every handler masks IINs and BINs (any run of twelve digits) in messages and tracebacks: a
# constraint error quotes the row, a URL may carry a number. Each logger below is pointed at a
# masked handler; akimat/celery.py keeps the worker and beat on this configuration.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_identifiers": {"()": "akimat.logging_filters.MaskIdentifiers"},
        "forbidden_one_line": {"()": "akimat.logging_filters.ForbiddenOneLine"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_identifiers"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_identifiers"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The embedded PostgreSQL narrates every start and exit at INFO.
        "pgserver": {"level": "WARNING"},
        # Django's default handlers (an unmasked console, mail to ADMINS with the traceback) are
        # dropped: its records, django.request's 500s among them, reach the root's console.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 403 in one line (method, path, user id), without the traceback Django attaches.
        "django.request": {"filters": ["forbidden_one_line"], "propagate": True},
        # runserver's request lines.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # gunicorn's access and error logs, once the worker has loaded Django.
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
