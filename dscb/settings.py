"""Settings for the board's business-plan tracker: every environment-specific value comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

BOARD_NAME = os.environ.get("BOARD_NAME", "Dudley Safeguarding Children Board")
# The site's own address, for the links in emails sent with no request to take it from (the daily reminders).
SITE_URL = os.environ.get(
    "SITE_URL", CSRF_TRUSTED_ORIGINS[0] if CSRF_TRUSTED_ORIGINS else "http://127.0.0.1:8000" if DEBUG else ""
).rstrip("/")
# Days after a period's update deadline before lock_overdue_periods locks it.
PERIOD_GRACE_DAYS = int(os.environ.get("PERIOD_GRACE_DAYS", "5"))
# Working days before each meeting of a body that its members are reminded of it (meetings.reminders), 1 to 20.
MEETING_REMINDER_DAYS = min(max(int(os.environ.get("MEETING_REMINDER_DAYS", "5")), 1), 20)
# The fewest responses for which the board self-assessment's totals are shown (fewer could be told apart).
SELF_ASSESSMENT_MIN_GROUP = min(max(int(os.environ.get("SELF_ASSESSMENT_MIN_GROUP", "5")), 3), 50)
# How audit criteria are scored in a new framework version: "rag" (Red, Amber, Green) or "0-3" (0 Not met to
# 3 Fully met). A framework keeps the scale it was made with.
AUDIT_SCALE = os.environ.get("AUDIT_SCALE", "rag")
if AUDIT_SCALE not in ("rag", "0-3"):
    raise ImproperlyConfigured(f"AUDIT_SCALE must be rag or 0-3, not {AUDIT_SCALE!r}")

# The risk matrix: the band of each likelihood (rows, 1-5) x impact (columns, 1-5) cell, and the months between a
# risk's reviews in each band. Checked at start-up (risks.checks). The default bands are 1-4 Low, 5-9 Medium,
# 10-15 High and 16-25 Very high; a board that rates differently changes the cells here.
RISK_MATRIX = [
    ["low", "low", "low", "low", "medium"],
    ["low", "low", "medium", "medium", "high"],
    ["low", "medium", "medium", "high", "high"],
    ["low", "medium", "high", "very_high", "very_high"],
    ["medium", "high", "high", "very_high", "very_high"],
]
RISK_REVIEW_MONTHS = {
    "very_high": int(os.environ.get("RISK_REVIEW_MONTHS_VERY_HIGH", "1")),
    "high": int(os.environ.get("RISK_REVIEW_MONTHS_HIGH", "2")),
    "medium": int(os.environ.get("RISK_REVIEW_MONTHS_MEDIUM", "3")),
    "low": int(os.environ.get("RISK_REVIEW_MONTHS_LOW", "6")),
}

# Evidence of an inspection requirement older than this many months at the date the map is read as at is stale.
ASSURANCE_STALE_MONTHS = min(max(int(os.environ.get("ASSURANCE_STALE_MONTHS", "12")), 1), 120)

# The budget of drawing one report PDF (reports.pdfdraw): its wall time, and the memory of each child process.
REPORT_PDF_SECONDS = float(os.environ.get("REPORT_PDF_SECONDS", "60"))
REPORT_PDF_MEMORY_MB = int(os.environ.get("REPORT_PDF_MEMORY_MB", "1024"))
# A long report is drawn in parts at once, one child process each (each within the memory above): at most this many
# parts, by default one for each of the machine's cores up to four.
REPORT_PDF_PROCESSES = min(max(int(os.environ.get("REPORT_PDF_PROCESSES", str(min(os.cpu_count() or 1, 4)))), 1), 16)
# A PDF that could not be drawn within the budget is not tried again for the same content for this long.
REPORT_PDF_RETRY_MINUTES = int(os.environ.get("REPORT_PDF_RETRY_MINUTES", "30"))
# Freshly drawn draft PDFs one person may ask for in 10 minutes (counted in the cache below).
REPORT_PDF_DRAWS_PER_PERSON = int(os.environ.get("REPORT_PDF_DRAWS_PER_PERSON", "5"))

# The cache holds counts that limit how often one person may do something costly. In the database, so that every
# gunicorn worker and every app server counts together (a per-process memory cache would multiply each limit by
# the number of workers), and nothing else has to run. The table is made by a migration (reports 0004).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dscb_cache",
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # The project's apps, lowest first: each imports only from the apps listed before it
    # (tests/test_architecture.py holds the order).
    "subgroups",
    "accounts",
    "plans",
    "priorities",
    "kpis",
    "meetings",
    "risks",
    "audits",
    "selfassessment",
    "progress",
    "planfile",
    "yearend",
    "reports",
    "annualreport",
    "assurance",
    "dscb.apps.DscbConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that can answer early, so that every answer gets the headers and refusals are logged.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dscb.middleware.ResponseHeadersMiddleware",
    "accounts.middleware.RefusalLogMiddleware",
    "dscb.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads the form, so that every reader of request.POST has the cleaned text.
    "dscb.middleware.SentTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the user and messages middleware, so that its page is drawn like any other.
    "dscb.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dscb.urls"
# A plan is read on the plan page, which the app above it draws: the model does not name its page.
ABSOLUTE_URL_OVERRIDES = {"plans.businessplan": lambda plan: reverse("priorities:plan-detail", args=[plan.slug])}

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
                "dscb.context_processors.board",
                "subgroups.context_processors.board_person",
                "accounts.context_processors.session",
            ],
        },
    },
]

WSGI_APPLICATION = "dscb.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that does not answer costs a page a second or two (then a 503 page), not a hung worker.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "2"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    # A form's list of choices (ModelChoiceField) reads its rows with .iterator(), which on PostgreSQL opens a
    # named cursor WITH HOLD outside a transaction: about 9 ms of the plan page's filters for a dozen subgroups.
    # Nothing here reads more rows than fit in memory, so rows are fetched the ordinary way.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high, and a small table that has
    # not been analysed yet (a new board, a new year's plan) is estimated high: the plan page's audit links took
    # 40 ms instead of 1, 29 ms of it compiling. Queries here are short, so that never pays.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite writes one transaction at a time: each one takes the write lock when it begins (rather than failing
    # at once when it first writes after another has), and waits up to 20 s for it, so simultaneous saves queue
    # and the second gets the conflict page like on PostgreSQL, never "database unavailable".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
# PostgreSQL prepares the queries of dscb.prepared once per connection instead of planning them on every request.
# Off for a connection pooler that gives each transaction a different connection (pgbouncer in transaction mode).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
# Seconds a client is asked to wait (Retry-After) when the database cannot be reached.
DB_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("DB_UNAVAILABLE_RETRY_AFTER", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The first backend counts failed sign-ins (django-axes) and refuses a locked-out one; the second signs in, and on
# each request loads the signed-in user with the parts of the board they hold (a change of backend signs everyone out
# once, as their sessions name the backend that signed them in).
AUTHENTICATION_BACKENDS = [
    "accounts.auth.SignInAttemptsBackend",
    "accounts.auth.PasswordBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("TESTING")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Background work (Django's Tasks framework, django_tasks until Django 6's django.tasks). By default the tasks are
# stored in the project's database and run by `manage.py run_worker`; another backend (a Redis queue, say) is a
# change of TASKS_BACKEND only. Task code never depends on which.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A worker writes a heartbeat every TASKS_HEARTBEAT_SECONDS; one silent for TASKS_WORKER_LOST_SECONDS is taken as
# dead, and the task it was running is run again by another worker (up to TASKS_MAX_ATTEMPTS runs in all).
TASKS_HEARTBEAT_SECONDS = float(os.environ.get("TASKS_HEARTBEAT_SECONDS", "10"))
TASKS_WORKER_LOST_SECONDS = float(os.environ.get("TASKS_WORKER_LOST_SECONDS", "60"))
TASKS_MAX_ATTEMPTS = int(os.environ.get("TASKS_MAX_ATTEMPTS", "3"))
# The Reports page and /readyz say no worker is running when none has been seen for this long.
TASKS_WORKER_SEEN_MINUTES = int(os.environ.get("TASKS_WORKER_SEEN_MINUTES", "5"))
# Tries of one email before its task is left failed (retried from the admin); the waits between grow.
EMAIL_SEND_ATTEMPTS = int(os.environ.get("EMAIL_SEND_ATTEMPTS", "5"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind a TLS-terminating proxy in production.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", not DEBUG) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: Secure, and named __Host- so that no other host or path can set them, wherever the site is served
# over HTTPS; plain names only over plain HTTP (local development and the test server), where browsers refuse
# __Host- cookies.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
COOKIE_PREFIX = "__Host-" if SECURE_COOKIES else ""
# Sessions are kept in the database, by Django's store with its read on each request built once per process.
SESSION_ENGINE = "accounts.session_store"
SESSION_COOKIE_NAME = f"{COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{COOKIE_PREFIX}csrftoken"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
# Scripts never read the CSRF cookie: forms and the session ping take the token from the page.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "dscb.views.csrf_failure"

# Sessions end after SESSION_IDLE_SECONDS without a request and SESSION_MAX_SECONDS after signing in, whatever
# happens in between (accounts.middleware.SessionLimitsMiddleware). The page warns SESSION_WARNING_SECONDS before.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_SECONDS", str(12 * 60 * 60)))
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# A session's expiry moves on at most once a minute (a write per minute per user, not one per request).
SESSION_REFRESH_SECONDS = min(60, SESSION_IDLE_SECONDS // 30)

# Content-Security-Policy: nothing inline, nothing from elsewhere (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Sign-in attempts (django-axes): the 10th failure for one username from one address locks that pair out for
# an hour; a success clears the count. Per pair, so that one person's typing cannot lock out a whole office
# behind one address, nor a stranger lock out the board business manager from everywhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
# A second limit on one username's failures from every address together (addresses can be forged or changed).
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", str(2 * AXES_FAILURE_LIMIT)))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "60")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Each failed sign-in is also kept in the admin (Axes › Access failures), beside the log line.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"
AXES_VERBOSE = False
# Proxies in front of the app that append to X-Forwarded-For; the client's address is the entry they added.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if SECURE_PROXY_SSL_HEADER else "0"))

# Two-factor sign-in (django-otp, time-based codes). Offered to everyone; required of admins, staff and the
# board business manager when OTP_REQUIRED_FOR_STAFF is on, which it is unless DEBUG is.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", not DEBUG)
OTP_TOTP_ISSUER = BOARD_NAME

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Sign-in, sign-out, failed sign-in, lockout, two-factor and refused access: who, from where, when.
        "dscb.security": {"level": "INFO"},
        # django-axes writes its own lines for what dscb.security already says.
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
