"""Telephony Portal settings: one module, every environment-specific value from the environment.

Development defaults are convenient (SQLite under var/, eager Celery, DEBUG on). Production is simply
DEBUG=False: the secure defaults (HTTPS only, secure cookies, HSTS) follow from it, and start-up refuses
to run without SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL. Every variable is in .env.example.
"""

import zoneinfo
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

# Core
DEBUG = env.bool("DEBUG", default=True)
PRODUCTION = not DEBUG
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "import_export",
    "axes",
    # Ours, in dependency order (DESIGN.md): an app imports only apps above it.
    "apps.core",
    "apps.accounts",
    "apps.audit",
    "apps.company",
    "apps.telecom",
    "apps.contracts",
    "apps.risk",
    "apps.calls",
    "apps.billing",
    "apps.rollout",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.core.audit.AuditContextMiddleware",
]

ROOT_URLCONF = "telephony_portal.urls"
WSGI_APPLICATION = "telephony_portal.wsgi.application"

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
                "apps.core.context_processors.portal",
            ],
        },
    },
]

# Database: embedded SQLite by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured("DEBUG is off: DATABASE_URL must point at PostgreSQL")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures, before anything else
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: stored in UTC, shown in the city's zone (see apps.core.dates).
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own number/date formats per language (telephony_portal/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["telephony_portal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

# Static and uploaded files: served by the app itself (WhiteNoise), never from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: secure by default whenever DEBUG is off; each can still be overridden.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# DRF
REST_FRAMEWORK = {
    # Token first: a refused or missing credential then answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.permissions.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Telephony Portal API",
    "DESCRIPTION": "Operators, contracts, numbers, lines, PBX, phones, calls and costs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind` or `status`; name each enum after its model so clients get stable names.
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "apps.company.models.Department.Kind",
        "ProviderKindEnum": "apps.telecom.models.Provider.Kind",
        "PhoneNumberKindEnum": "apps.telecom.models.PhoneNumber.Kind",
        "PhoneNumberStatusEnum": "apps.telecom.models.PhoneNumber.Status",
        "LineKindEnum": "apps.telecom.models.Line.Kind",
        "DeviceKindEnum": "apps.telecom.models.Device.Kind",
        "DeviceStatusEnum": "apps.telecom.models.Device.Status",
        "CallRouteKindEnum": "apps.telecom.models.CallRoute.Kind",
        "ContractKindEnum": "apps.contracts.models.Contract.Kind",
        "ContractDocumentKindEnum": "apps.contracts.models.ContractDocument.Kind",
        "RecurringChargeKindEnum": "apps.contracts.models.RecurringCharge.Kind",
        "RiskFindingStatusEnum": "apps.risk.models.RiskFinding.Status",
        "RiskDirectionEnum": "apps.risk.models.Direction",
        "CallDirectionEnum": "apps.calls.models.CallRecord.Direction",
        "RolloutPhaseStatusEnum": "apps.rollout.models.RolloutPhase.Status",
        "MigrationItemStatusEnum": "apps.rollout.models.MigrationItem.Status",
        "ProviderSelectionKindEnum": "apps.rollout.models.ProviderSelection.Kind",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=50 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=55 * 60)
# Visibility timeout above the hard time limit, so a long task is not redelivered while it runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "contracts-notice-digest": {
        "task": "apps.contracts.tasks.send_notice_digest",
        "schedule": crontab(hour=5, minute=0),  # 08:00 Moscow: before the lawyers' working day
    },
    # Every new contract document version is scanned for risky clauses (a lost enqueue is caught here).
    "risk-scan-new-documents": {"task": "apps.risk.tasks.scan_new_documents", "schedule": 60.0},
}
CELERY_BEAT_SCHEDULE["calls-pull-due-sources"] = {"task": "calls.pull_due_sources", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["billing-rate-new-calls"] = {"task": "billing.rate_new_calls", "schedule": 600.0}
CELERY_BEAT_SCHEDULE["billing-invoice-alerts"] = {
    "task": "billing.invoice_alerts",
    "schedule": crontab(hour=5, minute=15),  # 08:15 Moscow: invoices nearing deemed acceptance
}
CELERY_BEAT_SCHEDULE["billing-email-closed-month"] = {
    "task": "billing.email_closed_month",
    "schedule": crontab(hour=4, minute=30),  # 07:30 Moscow
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Portal
PORTAL_DEFAULT_CURRENCY = "RUB"
PORTAL_DEFAULT_REGION = "RU"  # region used to parse national phone numbers such as 8 (843) ...
# Fernet keys for secrets at rest (apps.core.crypto), newest first; never SECRET_KEY. The older single-key
# name PORTAL_ENCRYPTION_KEY is still read. Blank in development = a public DEV-ONLY key.
PORTAL_ENCRYPTION_KEYS = env.list(
    "PORTAL_ENCRYPTION_KEYS", default=env.list("PORTAL_ENCRYPTION_KEY", default=[])
)
if PRODUCTION and not PORTAL_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("PORTAL_ENCRYPTION_KEYS (Fernet keys) must be set when DEBUG is off")
# Hosts exempt from the outbound-address rules of apps.core.netguard (http allowed, private addresses
# allowed): the tests' fake servers. Leave empty in production.
PORTAL_OUTBOUND_TEST_HOSTS = env.list("PORTAL_OUTBOUND_TEST_HOSTS", default=[])
# Billing: calendar months of the cost reports are in this zone; VAT for fees no contract names.
PORTAL_REPORTING_TIMEZONE = env.str("PORTAL_REPORTING_TIMEZONE", default="Europe/Moscow")
PORTAL_DEFAULT_VAT_RATE = env.str("PORTAL_DEFAULT_VAT_RATE", default="22.00")
try:
    zoneinfo.ZoneInfo(PORTAL_REPORTING_TIMEZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"PORTAL_REPORTING_TIMEZONE={PORTAL_REPORTING_TIMEZONE!r} is not a time zone"
    ) from exc
PORTAL_COMPANY_NAME = env.str("PORTAL_COMPANY_NAME", default="Our company")
PORTAL_NOTICE_WINDOW_DAYS = env.int("PORTAL_NOTICE_WINDOW_DAYS", default=30)  # contracts digest + register
PORTAL_MAX_DOCUMENT_BYTES = env.int("PORTAL_MAX_DOCUMENT_BYTES", default=20 * 1024 * 1024)
# Checks a contract must pass to move to "approved" (dotted paths, called from Contract.clean()); the
# contracts app cannot import the later risk app, so the check is named here.
PORTAL_CONTRACT_APPROVAL_CHECKS = ["apps.risk.services.contract_approval_check"]
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every PDF's layout steps
    },
}
