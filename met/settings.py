"""MET Hub settings.

Everything that differs between a laptop and production comes from environment variables.
A value that cannot be understood stops the process at start-up: a typo in production must
never quietly fall back to an insecure default.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MET_VAR_DIR", BASE_DIR / "var"))

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
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # A development key kept outside the repository, so that sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _dev_key = VAR_DIR / "dev-secret-key"
    if not _dev_key.exists():
        _dev_key.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _dev_key.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "met.apps.MetConfig",
    "cases.apps.CasesConfig",
    "riskassessment.apps.RiskassessmentConfig",
    "meetings.apps.MeetingsConfig",
    "quality.apps.QualityConfig",
    "reporting.apps.ReportingConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api.apps.ApiConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "met.middleware.TwoFactorMiddleware",
    "met.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes must come last so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "met.urls"
WSGI_APPLICATION = "met.wsgi.application"

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
                "met.context_processors.navigation",
            ],
            # After Django's own: the `date` and `time` filters for the formats the pages use (issue 14).
            "builtins": ["met.templatetags.dates"],
        },
    },
]

# Database: SQLite under var/ for a laptop, PostgreSQL whenever DATABASE_URL is given.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    _scheme = urlparse(DATABASE_URL).scheme
    if _scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/name), not {_scheme!r}."
        )
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: it compiles each big statement before running it, 220 ms of a 356 ms report query at
    # 100,000 cases, and a web request never runs long enough to win it back (issue 14).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Every select of categories or agencies was a server-side cursor (DECLARE, FETCH, CLOSE, and a
    # cursor WITH HOLD kept to the end of the request): three round trips for a handful of rows.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Parameters bound by the server and each statement prepared from its fifth run on a connection (psycopg's default):
    # a page runs the same dozen statements on every request, and PostgreSQL then skips planning them
    # (3-5 ms of planning for a list's six-table join). The case page fell from 46 to 41 ms of CPU and
    # the triage inbox from 36 to 28 ms at 100,000 cases (issue 14). A transaction-mode connection
    # pooler (PgBouncer before 1.21) cannot keep prepared statements: DB_PREPARED_STATEMENTS=0 then.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 5)
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "met.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and login.
AUTH_USER_MODEL = "met.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor authentication is on for everyone in production; demo/debug installs may switch it off.
MET_REQUIRE_2FA = env_bool("MET_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "MET Hub"

# Idle timeout: the session cookie is renewed on every request and expires after this much inactivity.
MET_SESSION_IDLE_MINUTES = env_int("MET_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = MET_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failures, per account so that rotating IP addresses does not help.
AXES_FAILURE_LIMIT = env_int("MET_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MET_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# The login form posts "username" (an email address); count it case-folded, as sign-in matches it.
AXES_USERNAME_CALLABLE = "met.auth.axes_username"
# axes.W006 asks for IP-based lockout too. Partner agencies sign in from behind shared NAT
# addresses (a whole police station is one IP), so five typos in an office would lock everyone
# out. Per-account lockout is the control that protects each account; it is deliberate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a proxy, the client address comes from X-Forwarded-For only when told so.
MET_BEHIND_PROXY = env_bool("MET_BEHIND_PROXY", False)
AXES_IPWARE_PROXY_COUNT = 1 if MET_BEHIND_PROXY else 0
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if MET_BEHIND_PROXY else ["REMOTE_ADDR"]

# Object permissions. No anonymous user: nothing here is public.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Security headers. Production defaults are strict; each can be relaxed explicitly.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and container health checks probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
if MET_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Internationalisation: British English, UK time.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: whatever EMAIL_BACKEND names (SMTP: django.core.mail.backends.smtp.EmailBackend). Without it,
# a debug install with no mail server writes each message to a file under var/mail/: the demo data and
# its first sweep send over a hundred, some 2,000 lines that on the console would bury the demo logins
# `make run` prints. With EMAIL_HOST given, or debug off, messages are printed to the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip()
if not EMAIL_BACKEND:
    if DEBUG and not os.environ.get("EMAIL_HOST", "").strip():
        EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    else:
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent SMTP server counts as a failure (and the outbox retries): far below the
# outbox's lease, so a slow send is never taken over and sent twice.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MET Hub <met-hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails point here. In debug they default to where `make run` serves (HOST and PORT, which
# the Makefile passes on), so a demo on another port still sends links that open.
MET_BASE_URL = os.environ.get("MET_BASE_URL", "").strip().rstrip("/")
if not MET_BASE_URL:
    if DEBUG:
        _host = os.environ.get("HOST", "").strip() or "localhost"
        _port = env_int("PORT", 8000, minimum=1)
        if _port > 65535:
            raise ImproperlyConfigured(f"PORT={_port} is not a TCP port (1 to 65535).")
        if ":" in _host and not _host.startswith("["):
            _host = f"[{_host}]"  # an IPv6 address, as a URL writes it
        MET_BASE_URL = f"http://{_host}:{_port}"
    else:
        MET_BASE_URL = "http://localhost:8000"

# Celery: a real broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and urlparse(REDIS_URL).scheme not in {"redis", "rediss"}:
    raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, got {REDIS_URL!r}.")
# The cache holds the API's rate-limit counts (api/throttling.py): shared by every web process when
# there is Redis, so the promised limit per token is the real one. Short timeouts: a Redis that does
# not answer must not hold up requests (the throttle then counts per process until it is back).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "met",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# Nothing in the app waits for a task's result, and queuing a task that keeps one first subscribes to
# the result store, which during a Redis outage blocks the request for 20 seconds before failing. The
# periodic sweeps keep theirs (met/tasks.py), for an operator asking what a run did.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "met.tasks.clear_expired_sessions", "schedule": timedelta(hours=6)},
    "refresh-frequent-missing": {"task": "cases.tasks.refresh_frequent_missing_flags", "schedule": timedelta(hours=1)},
    "sweep-reminders": {"task": "met.tasks.sweep_reminders", "schedule": timedelta(minutes=15)},
    # E-mails the broker never took (Redis was down), that failed, or whose worker died mid-send.
    "send-pending-emails": {"task": "met.tasks.send_pending_emails", "schedule": timedelta(minutes=5)},
    "sweep-escalations": {"task": "met.tasks.sweep_escalations", "schedule": crontab(hour=7, minute=0)},
    # Daily at 06:30: every scheduled report due and never built (a missed day catches up the next).
    "monthly-reports": {"task": "reporting.tasks.build_monthly_report", "schedule": crontab(hour=6, minute=30)},
    # Daily just after midnight: cases of children whose 18th birthday has come close (cases/turning_18.py).
    "close-cases-at-18": {"task": "cases.tasks.close_cases_at_18", "schedule": crontab(hour=0, minute=15)},
}

# Logging goes to stdout. Only ids are ever logged: no names, dates of birth or free text about a child.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logger would echo full paths with query strings (search terms) on errors.
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        # Chatty at INFO: every PDF step and font scan would fill the logs.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "matplotlib": {"level": "WARNING"},
    },
}

# Escalation ladder: still open this many working days after level 1, an overdue action goes to level 2.
MET_ESCALATION_LEVEL2_WORKING_DAYS = env_int("MET_ESCALATION_LEVEL2_WORKING_DAYS", 5, minimum=1)

# Demo data (seed_demo) uses this password for every demo account.
MET_DEMO_PASSWORD = os.environ.get("MET_DEMO_PASSWORD", "demo-password-change-me")

# The partner API (api/, /api/v1/): personal tokens or the browser session, JSON only, the same
# pagination everywhere, errors always JSON (api/exceptions.py), a rate limit per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": "1000/hour"},
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MET Hub API",
    "DESCRIPTION": (
        "The records of MET Hub for partner case systems: the same rules, validation and audit as the web app. "
        "Authenticate with a personal API token (Authorization: Bearer <token>) created under Your account → API tokens."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "RiskLevelEnum": "cases.models.RiskLevel",
        "AssessmentStatusEnum": "riskassessment.models.AssessmentStatus",
        "MeetingStatusEnum": "meetings.models.MeetingStatus",
        "ActionStatusEnum": "meetings.models.ActionStatus",
        "AttendanceStatusEnum": "meetings.models.AttendanceStatus",
        "AgencyKindEnum": "met.models.AgencyKind",
        "EpisodeKindEnum": "cases.models.EpisodeKind",
        "IndicatorKindEnum": "riskassessment.models.IndicatorKind",
        "DecisionKindEnum": "meetings.models.DecisionKind",
    },
}

# --- Documents on a case (issue 16, part 3) --------------------------------------------------------
# Uploaded files live in their own storage, never under static or media: they are served only through
# a view that checks access to the case and audits the download. Local files under var/documents/ by
# default; MET_DOCUMENT_STORAGE names any Django storage backend (with MET_DOCUMENT_STORAGE_OPTIONS as
# a JSON object of its options, e.g. a bucket name).
_document_backend = os.environ.get("MET_DOCUMENT_STORAGE", "").strip() or "django.core.files.storage.FileSystemStorage"
if not all(part.isidentifier() for part in _document_backend.split(".")) or "." not in _document_backend:
    raise ImproperlyConfigured(f"MET_DOCUMENT_STORAGE={_document_backend!r} is not a dotted path to a storage class.")
try:
    _document_options = json.loads(os.environ.get("MET_DOCUMENT_STORAGE_OPTIONS", "").strip() or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"MET_DOCUMENT_STORAGE_OPTIONS is not valid JSON: {error}.") from None
if not isinstance(_document_options, dict):
    raise ImproperlyConfigured("MET_DOCUMENT_STORAGE_OPTIONS must be a JSON object of the storage's options.")
if _document_backend == "django.core.files.storage.FileSystemStorage":
    # base_url None: the storage gives no public URL for a document, so nothing can link past the view.
    _document_options = {
        "location": str(Path(os.environ.get("MET_DOCUMENT_ROOT", "").strip() or VAR_DIR / "documents")),
        "base_url": None,
        "file_permissions_mode": 0o640,
        "directory_permissions_mode": 0o750,
        **_document_options,
    }
STORAGES["documents"] = {"BACKEND": _document_backend, "OPTIONS": _document_options}
MET_DOCUMENT_MAX_BYTES = env_int("MET_DOCUMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
# ClamAV's clamd scans every upload when configured (a Unix socket, or a host and port); when it is
# configured but cannot be reached, uploads are refused rather than stored unscanned.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "").strip()
CLAMD_HOST = os.environ.get("CLAMD_HOST", "").strip()
CLAMD_PORT = env_int("CLAMD_PORT", 3310, minimum=1)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30, minimum=1)
if CLAMD_SOCKET and CLAMD_HOST:
    raise ImproperlyConfigured("Set CLAMD_SOCKET or CLAMD_HOST (with CLAMD_PORT) for the virus scanner, not both.")
if os.environ.get("CLAMD_PORT", "").strip() and not CLAMD_HOST:
    raise ImproperlyConfigured("CLAMD_PORT is set without CLAMD_HOST: name the host clamd listens on.")
