"""Settings for Aligned, read from the environment (12-factor).

With no variable set this is the *embedded default*: SQLite in the project folder, Celery tasks
executed in-process, a local-memory cache and e-mail printed to the console, so `make demo` needs
no server. `DATABASE_URL` switches to PostgreSQL, `REDIS_URL` to a Redis broker and cache with real
Celery workers, and `DEBUG=0` is the production mode, which refuses to start without `SECRET_KEY`
and `ALLOWED_HOSTS`.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.storage import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _take_worker_values() -> None:
    """`make test-stack` runs the suite in parallel test processes (pytest-xdist names each one
    PYTEST_XDIST_WORKER, "gw0", "gw1", ...) that share one Redis, one broker and one mail folder.
    scripts/test-stack.sh gives each its own cache database, queue and mail folder as NAME_GW0,
    NAME_GW1, ...; a test process takes its own as NAME (so the processes it starts inherit them)
    and drops the others (so a process it starts with other settings is not given them again).
    Nothing else sets those variables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "").upper()
    if not worker:
        return
    for name in ("REDIS_CACHE_URL", "CELERY_QUEUE", "EMAIL_FILE_PATH"):
        if f"{name}_{worker}" in os.environ:
            os.environ[name] = os.environ[f"{name}_{worker}"]
        for key in [key for key in os.environ if re.fullmatch(rf"{name}_GW\d+", key)]:
            del os.environ[key]


_take_worker_values()

DEBUG = env_bool("DEBUG", True)

# --- secrets and hosts -------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")


def env_admins(value: str) -> list[tuple[str, str]]:
    """ADMINS="Ana Núñez <ana@district.org>, ops@district.org": who gets server errors by mail."""
    admins = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        match = re.fullmatch(r"(.*?)\s*<([^>]+)>", item)
        admins.append((match[1] or match[2], match[2]) if match else (item, item))
    return admins


ADMINS = env_admins(os.environ.get("ADMINS", ""))
if DEBUG:
    # A development key is fine on a laptop; production (DEBUG=0) must bring its own.
    SECRET_KEY = SECRET_KEY or "dev-only-key-not-for-production-3f9a1c7e5b2d4086a1e9c3b7d5f2a8e6"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Production mode (DEBUG=0) needs {' and '.join(missing)} set in the environment."
        )

# --- applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_ratelimit",
    "csp",
    "config.apps.SiteConfig",
    "accounts",
    "engagements",
    "evidence",
    "listening",  # surveys and listening sessions (beside retreats)
    "synthesis",  # themes tagged in what the community said (reads listening)
    "retreats",
    "planning",
    "monitoring",
    "reports",
    "archives",  # backup, move and restore: reads every app above, none imports it
]

MIDDLEWARE = [
    # /healthz and /readyz answer here, whatever Host header the checker sends (config/health.py).
    "config.health.HealthCheckMiddleware",
    # A database that does not answer (restarting, stopped) gives a 503 page that says so, not a
    # 500 (config/outage.py).
    "config.outage.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer (README, "Security headers
    # and limits"); a body over REQUEST_MAX_BYTES is refused before anything reads it.
    "csp.middleware.CSPMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    "config.security.RequestTooLargeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers most polls of a live board from the cache, before sessions and authentication
    # (retreats/live.py); everything else passes straight through.
    "retreats.live.LivePollShortcut",
    # Takes most cards and dots of a live room by a quicker path, with the same checks
    # (retreats/quick_writes.py); everything else passes straight through.
    "retreats.quick_writes.LiveWriteShortcut",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# Forms render through the project's templates, so templates/django/forms/ can adjust Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- database ----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A process that may run many requests at once with a thread each (the push process: every live
# board that connects checks access in its own thread) borrows connections from a pool of at most
# DB_POOL_MAX instead of opening one per thread: a thousand screens joining at once wait their
# turn for a few milliseconds rather than exhaust PostgreSQL's connections (max_connections is
# 100 by default). Pooled connections go back to the pool after each use (no CONN_MAX_AGE).
DB_POOL_MAX = int(os.environ.get("DB_POOL_MAX", "0"))
if DB_POOL_MAX and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # Django's pool checks what it lends
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX,
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "20")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "engagements:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed per account at one address (and per account on a browser it signed in
# from before) within the window; per address over all accounts; per account over all addresses
# (ASVS V2.2.1: at most 100 an hour). See accounts/throttle.py.
SIGN_IN_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "10"))
SIGN_IN_FAILURE_WINDOW = timedelta(minutes=15)
SIGN_IN_ADDRESS_FAILURE_RATE = os.environ.get("SIGN_IN_ADDRESS_FAILURE_RATE", "100/15m")
SIGN_IN_ACCOUNT_FAILURE_RATE = os.environ.get("SIGN_IN_ACCOUNT_FAILURE_RATE", "100/h")
# How long an e-mailed invitation link works.
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))
# The address links in e-mail start with when no request is at hand to build them from (a page
# passes its own). Production defaults to the first allowed host over HTTPS.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)

# --- cache and Celery --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache may live in another Redis database than the broker (the test stack clears the cache
# between tests and must not wipe queued tasks with it).
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", REDIS_URL)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            # Redis trouble is a cache miss, never an error (config/cache.py): short timeouts,
            # and after a failure Redis is skipped for breaker_seconds (README, "Redis trouble").
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CACHE_TIMEOUT", "0.2")),
                "socket_timeout": float(os.environ.get("REDIS_CACHE_TIMEOUT", "0.2")),
                "breaker_seconds": float(os.environ.get("REDIS_CACHE_BREAKER_SECONDS", "5")),
                # Live boards' version notes missed during an outage would say "nothing changed".
                "forget_after_outage": ["retreats:v:*"],
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Room for a full retreat's live boards (a few keys per watcher) without culling.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# django-ratelimit only knows django-redis by name; Django's own RedisCache increments atomically
# too, so its "unsupported backend" warning does not apply.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_CACHE_URL and DEBUG:
    # The local-memory cache is per process; fine for the one `runserver` the embedded default
    # runs. Production (DEBUG=0) keeps the check: without a shared cache `check` fails, and
    # `check --deploy` says why (aligned.E001, config/security.py).
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker, tasks run in-process at the moment they are enqueued.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Do not lose work: a task is acknowledged only once it has finished, and is handed back to the
# queue if the worker running it dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# Redis redelivers an unacknowledged task after the visibility timeout; it must exceed the
# longest task, or a slow task would run twice.
# A frozen Redis (it accepts connections, never answers) would otherwise hold a publishing
# request forever: its socket reads give up after a few seconds (README, "Redis trouble").
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when Redis is down, so a request reports it instead of hanging.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "aligned")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Run by the beat process on the stack (docker-compose's "beat").
CELERY_IMPORTS = ["config.health"]
CELERY_BEAT_SCHEDULE = {
    # /readyz wants a worker to have run this within 90 s (config/health.py).
    "worker-heartbeat": {"task": "health.worker_heartbeat", "schedule": 30},
    "close-due-reviews": {"task": "planning.close_due_reviews", "schedule": 60 * 60},
    "sweep-stuck-reports": {"task": "reports.sweep", "schedule": 30},
    # PDFs older than REPORT_KEEP_DAYS, and files no job points to, are deleted once a day.
    "prune-report-files": {"task": "reports.prune_files", "schedule": 24 * 60 * 60},
    # Living the plan: reminders to owners who have not reported (at most one a day each).
    "send-update-reminders": {"task": "monitoring.send_update_reminders", "schedule": 60 * 60},
    # The board progress report, a few days before each board meeting (once per meeting). Runs
    # hourly so a beat that was down catches up the same day; a mailing is sent once.
    "send-board-reports": {"task": "reports.send_board_reports", "schedule": 60 * 60},
    # Cards' and dots' idempotency keys (a retry's answer) are kept a day, then dropped.
    "forget-submission-keys": {"task": "retreats.forget_submission_keys", "schedule": 60 * 60},
    # Listening: respondents' names and e-mail addresses are cleared once their survey has been
    # closed LISTENING_CONTACT_RETENTION_DAYS (answers and groups stay).
    "clear-respondent-contacts": {
        "task": "listening.clear_respondent_contacts",
        "schedule": 24 * 60 * 60,
    },
}
# Days a closed survey keeps its respondents' names and e-mail addresses (README, "Listening").
LISTENING_CONTACT_RETENTION_DAYS = int(os.environ.get("LISTENING_CONTACT_RETENTION_DAYS", "90"))
# A rendering report job beats (heartbeat_at) every REPORT_HEARTBEAT_SECONDS; one silent for
# REPORT_HEARTBEAT_STALE_SECONDS (or queued that long without being taken) is taken for lost
# (its worker died, or the broker lost its message) and queued again by the sweep (every 30 s).
REPORT_HEARTBEAT_SECONDS = float(os.environ.get("REPORT_HEARTBEAT_SECONDS", "5"))
REPORT_HEARTBEAT_STALE_SECONDS = int(os.environ.get("REPORT_HEARTBEAT_STALE_SECONDS", "45"))
# Past this a job's page says it is taking longer than usual and offers to try again.
REPORT_EXPECTED_SECONDS = int(os.environ.get("REPORT_EXPECTED_SECONDS", "30"))
# Finished PDFs are kept this many days, then deleted (asking again makes a new one).
REPORT_KEEP_DAYS = int(os.environ.get("REPORT_KEEP_DAYS", "30"))
# A worker process is replaced after this many tasks, or once it grew past this many KB (a
# render grows a process to about 200 MB), so memory a render held is given back.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("WORKER_MAX_TASKS_PER_CHILD", "50"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("WORKER_MAX_MEMORY_KB", "400000"))
# Report jobs may go to a queue of their own (a worker for PDFs only); empty: the default queue.
REPORTS_QUEUE = os.environ.get("REPORTS_QUEUE", "")

# --- e-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aligned <no-reply@aligned.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

# --- static and media files --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Readings to prepare for meetings: PDF, DOCX, XLSX, PNG or JPEG up to this size.
READING_MAX_BYTES = int(os.environ.get("READING_MAX_MB", "20")) * 1024 * 1024
# An organization's logo on its PDFs: PNG or JPEG up to this size.
REPORT_LOGO_MAX_BYTES = 1024 * 1024
# A backup archive being restored may hold at most this much, all files together (uncompressed):
# checked against each member's size before it is read, so a "zip bomb" is refused unread.
ARCHIVE_MAX_BYTES = int(os.environ.get("ARCHIVE_MAX_MB", "2048")) * 1024 * 1024
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Files (report PDFs, readings, logos) in MEDIA_ROOT, or with STORAGE_URL=s3://bucket in any
# S3-compatible object store shared by every web and worker machine (config/storage.py).
STORAGE_URL = os.environ.get("STORAGE_URL", "")
STORAGES = {
    "default": storage_from_url(STORAGE_URL),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development (and tests) WhiteNoise serves straight from the app folders; production serves
# the hashed, compressed files `collectstatic` writes to STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# --- security ----------------------------------------------------------------------------------
# Sessions live in the database only, so signing in and every signed-in page work without Redis
# (README, "Redis trouble"); most polls of a live board are answered before sessions are read.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = (
    False  # htmx reads the token from the page, not the cookie, but forms need it
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    # Opt-in: HSTS on every subdomain (and in browsers' preload lists, which is slow to undo)
    # would force HTTPS on a district's other sites under the same domain, some of which may not
    # have it. Django's deploy check warns when they are off (W005, W021): off is deliberate.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if env_bool("BEHIND_TLS_PROXY", True):
        # gunicorn sits behind a proxy that terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Health checks from the proxy reach gunicorn over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy (django-csp): scripts, styles, images and connections from this site
# only, no inline script or style, no plugins, no framing, forms posting only here. Every page
# keeps to it (the browser tests fail on any violation). CSP_REPORT_ONLY=1 sends it as
# Content-Security-Policy-Report-Only instead, to try a change to the policy on a live site.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# --- request limits ----------------------------------------------------------------------------
# A form's text (all fields but files) may be this large: far above any form's own limits (the
# longest text field takes 10,000 characters), and a 413 page in plain words beyond it
# (config/security.py). Uploads are checked by their own limits (readings, logos, imports).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("FORM_MAX_MB", "2.5")) * 1024 * 1024)
# A form may send this many fields (Django's default is 1,000): an indicator's edit grid sends
# every cell, up to 100 years by 40 columns (evidence/forms.py ValuesGrid), about 4,200 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Any request body over this is refused before it is read: the largest upload and room for the
# rest of its form.
REQUEST_MAX_BYTES = READING_MAX_BYTES + 1024 * 1024

# --- logging -----------------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, exception), for a log
# collector. Server errors also go by mail to ADMINS (when set) through mail_admins.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own default config already gives "django" a console and a mail_admins
        # handler; configuring it here replaces them, so each server error is printed once (by
        # the root console) and mailed once (django.request propagates here), not twice.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # A form or upload over the size limit gets the friendly 413 page: a user's mistake, not
        # a server error to mail to ADMINS (Django logs it at ERROR). It is still printed.
        **{
            f"django.security.{name}": {"handlers": ["console"], "propagate": False}
            for name in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")
        },
        # WeasyPrint and the font subsetter narrate every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# SENTRY_DSN: also send server errors and failed tasks to an error tracker (config/errors.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.errors import init_error_tracker

    init_error_tracker(SENTRY_DSN)

# A live board's shared rendering may be reused for this long after the board changed again,
# so a board changing many times a second is rendered a few times a second, not per watcher.
LIVE_BOARD_MAX_STALENESS = float(os.environ.get("LIVE_BOARD_MAX_STALENESS", "0.5"))

# Server push for live boards (retreats/push.py; README, "Live updates"): on by default; off,
# every live screen polls once a second as before. Events go through the broker's Redis when
# there is one (any web process serves any watcher), else through one process's memory.
LIVE_PUSH = env_bool("LIVE_PUSH", True)
# Cards and dots by the quick path (retreats/quick_writes.py); 0 sends every write the normal way.
LIVE_QUICK_WRITES = env_bool("LIVE_QUICK_WRITES", True)
# The live writes' fixed statements prepared once per PostgreSQL connection (config/db.py); 0
# behind a connection pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
LIVE_PREPARED_STATEMENTS = env_bool("LIVE_PREPARED_STATEMENTS", True)
LIVE_PUSH_REDIS_URL = os.environ.get("LIVE_PUSH_REDIS_URL", REDIS_URL)
# Under WSGI (runserver, gunicorn gthread) each open stream holds a thread: at most this many
# streams per process (beyond, the page polls), each ended after this many seconds (the browser
# reconnects at once). Under ASGI (uvicorn) a stream holds no thread and has no such limit.
LIVE_PUSH_WSGI_STREAMS = int(os.environ.get("LIVE_PUSH_WSGI_STREAMS", "4"))
LIVE_PUSH_WSGI_SECONDS = float(os.environ.get("LIVE_PUSH_WSGI_SECONDS", "25"))
LIVE_PUSH_ASGI_SECONDS = float(os.environ.get("LIVE_PUSH_ASGI_SECONDS", "3600"))
# How often an open stream checks again that its viewer may still watch (a closed retreat or a
# removed member is cut off within this, or at once when the retreat is closed).
LIVE_PUSH_RECHECK_SECONDS = float(os.environ.get("LIVE_PUSH_RECHECK_SECONDS", "15"))
# Under ASGI the streams of a process share this many threads for their blocking work (access
# checks, reading a board's version): as many as the push process's DB_POOL_MAX.
LIVE_PUSH_THREADS = int(os.environ.get("LIVE_PUSH_THREADS", "8"))

# Wrong or closed retreat join codes allowed per network address (a whole school may share one
# address, so right codes are not counted); past them, only the codes of retreats joined or shown
# on the projector from that address within JOIN_CODE_ROOM_HOURS still work there.
JOIN_CODE_FAILURE_RATE = os.environ.get("JOIN_CODE_FAILURE_RATE", "30/10m")
JOIN_CODE_ROOM_HOURS = int(os.environ.get("JOIN_CODE_ROOM_HOURS", "12"))
# Downloads of a public meeting's record (CSV, PDF and the PDF's progress) per network address,
# each window on its own (retreats/throttle.py). A room shares one address: keep it generous.
OBSERVER_RECORD_RATES = os.environ.get("OBSERVER_RECORD_RATES", "120/10m")

# The public review link: feedback (and public buy-in answers) taken per network address, each
# comma-separated window counted on its own; and the fewest seconds between opening a form and
# sending it (people take longer, bots do not).
PUBLIC_FEEDBACK_RATES = os.environ.get("PUBLIC_FEEDBACK_RATES", "5/10m,20/d")
PUBLIC_FEEDBACK_MIN_SECONDS = float(os.environ.get("PUBLIC_FEEDBACK_MIN_SECONDS", "3"))

# --- rate limits (django-ratelimit counts in the default cache) --------------------------------
RATELIMIT_USE_CACHE = "default"
# With Redis unreachable nothing is counted and nobody is refused (README, "Redis trouble").
RATELIMIT_FAIL_OPEN = True
if os.environ.get("RATELIMIT_IP_META_KEY"):
    # Behind a proxy, e.g. "HTTP_X_REAL_IP", so each visitor is counted, not the proxy.
    RATELIMIT_IP_META_KEY = os.environ["RATELIMIT_IP_META_KEY"]

# --- Living the plan: measure status (monitoring/status.py) ---
# A measure is on track at this share of the progress expected by the date of its latest reading
# or more, behind from the second, off track below it.
MONITORING_ON_TRACK = float(os.environ.get("MONITORING_ON_TRACK", "0.95"))
MONITORING_BEHIND = float(os.environ.get("MONITORING_BEHIND", "0.85"))
# A school year's target is due on this (month, day) of the year it ends in.
MONITORING_SCHOOL_YEAR_ENDS = (6, 30)
