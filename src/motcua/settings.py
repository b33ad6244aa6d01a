"""Django settings for Một Cửa. Every value comes from the environment
through :mod:`motcua.env`; the defaults are safe for a local demo."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import dj_database_url

from motcua.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent

DATA_DIR = Path(
    env_str(
        "MOTCUA_DATA_DIR",
        str(REPO_DIR / "var"),
        "Folder for the SQLite database, uploaded files and generated documents.",
        shown_default="<repository>/var",
    )
)
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)
SEED_DIR = Path(
    env_str(
        "MOTCUA_SEED_DIR",
        str(REPO_DIR / "data"),
        "Folder holding the reference data the importers read (units, catalogue).",
        shown_default="<repository>/data",
    )
)

DEBUG = env_bool("DEBUG", False, "Django debug mode. Never on in production.")
_DEV_SECRET = "insecure-dev-key-only-for-local-demo-change-me-0123456789"  # noqa: S105
SECRET_KEY = env_str(
    "SECRET_KEY",
    "",
    "Secret used for signing sessions and tokens. Must be set in production: with DEBUG "
    "off, the WSGI server refuses to start without it and `check --deploy` fails; when "
    "empty, a built-in key serves the embedded demo (runserver, tests) only.",
    shown_default="(built-in demo key)",
)
SECRET_KEY_IS_BUILTIN = not SECRET_KEY
if SECRET_KEY_IS_BUILTIN:
    SECRET_KEY = _DEV_SECRET
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"], "Host names this site serves."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [], "Origins trusted for CSRF (https://example.gov.vn)."
)

DATABASES = {
    "default": dj_database_url.parse(
        env_str(
            "DATABASE_URL",
            f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}",
            "Database URL: sqlite:///path or postgres://user@host:5432/name.",
            shown_default="sqlite:///<MOTCUA_DATA_DIR>/motcua.sqlite3",
        ),
        conn_max_age=env_int(
            "DATABASE_CONN_MAX_AGE", 60, "Seconds to keep a database connection open."
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout make the embedded database safe for a web server
    # and a worker at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT for the web's connections: its short statements never repay the
    # compilation (it took most of a queue page's time; decision 0047).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A streaming replica for opted-in reads, and behind PgBouncer (transaction
# pooling): docs/installation.md, motcua/core/db.py, decision 0048.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS",
    False,
    "No server-side cursors (set it behind PgBouncer in transaction pooling mode).",
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool(
    "DATABASE_CONN_HEALTH_CHECKS",
    False,
    "Check a kept connection before reusing it (behind a pooler that may drop connections).",
)
DATABASE_REPLICA_URL = env_str(
    "DATABASE_REPLICA_URL",
    "",
    "PostgreSQL streaming replica for read-only work (lists, tracking); empty: none.",
)
DATABASE_REPLICA_MAX_LAG = env_int(
    "DATABASE_REPLICA_MAX_LAG", 5, "Seconds of replica lag above which reads use the primary."
)
DATABASE_REPLICA_PIN_SECONDS = env_int(
    "DATABASE_REPLICA_PIN_SECONDS",
    10,
    "After a person writes, their reads use the primary for this many seconds.",
)
DATABASE_REPLICA_HEALTH_SECONDS = env_int(
    "DATABASE_REPLICA_HEALTH_SECONDS", 3, "Seconds a web process trusts its last replica check."
)
if DATABASE_REPLICA_URL:
    _replica: dict[str, Any] = dict(dj_database_url.parse(DATABASE_REPLICA_URL))
    _server = ("NAME", "USER", "PASSWORD", "HOST", "PORT")
    DATABASES["replica"] = {
        **DATABASES["default"],
        **{k: _replica[k] for k in _server if k in _replica},  # type: ignore[typeddict-item]
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["motcua.core.db.ReplicaRouter"]

INSTALLED_APPS = [
    "motcua.accounts",
    "motcua.core",
    "motcua.units",
    "motcua.calendar",
    "motcua.catalog",
    "motcua.documents",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
    "motcua.jobs",
    "motcua.demo",
    "motcua.integrations.smtp",
    "motcua.integrations.oidc_provider",
    "motcua.signon",
    "motcua.integrations.sms",
    "motcua.integrations.zalo",
    "motcua.notifications",
    "motcua.payments",
    "motcua.integrations.vnpost",
    "motcua.delivery",
    "motcua.feedback",
    "motcua.integrations.national_portal",
    "motcua.national",
    "motcua.outbox",
    "motcua.webhooks",
    "motcua.history",
    "motcua.accountability",
    "motcua.scorecards",
    "motcua.accounts.admin_apps.MotCuaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.InputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "motcua.core.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *(["motcua.core.db.ReplicaMiddleware"] if DATABASE_REPLICA_URL else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.throttling.ThrottleMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
                "motcua.core.context_processors.site",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
# django-axes first: every authenticate(request=…) is counted and refused
# during a lockout, whichever backend would have accepted the credentials.
# Then the user name or the personal ID / tax code (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "motcua.core.lockout.LockoutBackend",
    "motcua.accounts.backends.UsernameOrIdentifierBackend",
    # Admin-site permissions from the roles a person holds (accounts.admin_access).
    "motcua.accounts.admin_access.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:after_login"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str(
    "TIME_ZONE", "Asia/Ho_Chi_Minh", "Time zone used to show and compute local times."
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
#: Static files under content-hashed names (cached for a year, immutable),
#: pre-compressed with gzip and Brotli by ``collectstatic`` (decision 0019);
#: a file the manifest lacks is served under its plain name. The test suite
#: uses the plain compressed storage (conftest.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "motcua.core.staticfiles.ManifestStaticStorage"},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MOTCUA_UPLOAD_MAX_BYTES = env_int(
    "MOTCUA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, "Largest accepted upload, in bytes."
)
MOTCUA_UPLOAD_MAX_PIXELS = env_int(
    "MOTCUA_UPLOAD_MAX_PIXELS", 50_000_000, "Largest accepted image, in pixels (width × height)."
)
MOTCUA_ORPHAN_GRACE_HOURS = env_int(
    "MOTCUA_ORPHAN_GRACE_HOURS",
    24,
    "Hours a stored file without a row is left alone before the orphan-file sweep removes it.",
)

# --- Input limits: one place (docs/developers/input-limits.md). Enforced by
# motcua.core.middleware (path, query, form, headers, body size), the API's
# JSON parser (motcua.api.parser) and the services (form data, documents).
MOTCUA_MAX_BODY_BYTES = env_int(
    "MOTCUA_MAX_BODY_BYTES",
    1024 * 1024,
    "Largest request body without files (JSON or form), in bytes; over it: 413.",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = MOTCUA_MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int(
    "MOTCUA_MAX_FORM_FIELDS", 1000, "Most fields in one submitted HTML form; over it: 413."
)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int(
    "MOTCUA_MAX_FORM_FILES", 100, "Most files in one multipart request; over it: 413."
)
MOTCUA_MAX_PARAM_LENGTH = env_int(
    "MOTCUA_MAX_PARAM_LENGTH", 1000, "Longest query parameter or path, in characters."
)
MOTCUA_MAX_STRING_LENGTH = env_int(
    "MOTCUA_MAX_STRING_LENGTH",
    10_000,
    "Longest text in a JSON body, a form field or an e-form answer, in characters.",
)
MOTCUA_MAX_JSON_KEYS = env_int(
    "MOTCUA_MAX_JSON_KEYS", 2000, "Most keys and list items, counted together, in a JSON body."
)
MOTCUA_MAX_JSON_DEPTH = env_int(
    "MOTCUA_MAX_JSON_DEPTH", 10, "Deepest nesting of objects and lists in a JSON body."
)
MOTCUA_FORM_DATA_MAX_BYTES = env_int(
    "MOTCUA_FORM_DATA_MAX_BYTES",
    256 * 1024,
    "Largest form data of a dossier whose procedure has an e-form, in bytes (UTF-8 JSON).",
)
MOTCUA_FORM_DATA_MAX_KEYS = env_int(
    "MOTCUA_FORM_DATA_MAX_KEYS", 1000, "Most keys and list items in an e-form's form data."
)
MOTCUA_FORM_DATA_MAX_DEPTH = env_int(
    "MOTCUA_FORM_DATA_MAX_DEPTH",
    5,
    "Deepest nesting in an e-form's form data (the form itself is level 1).",
)
MOTCUA_FREE_FORM_DATA_MAX_BYTES = env_int(
    "MOTCUA_FREE_FORM_DATA_MAX_BYTES",
    16 * 1024,
    "Largest form data of a dossier whose procedure has no e-form, in bytes.",
)
MOTCUA_FREE_FORM_DATA_MAX_KEYS = env_int(
    "MOTCUA_FREE_FORM_DATA_MAX_KEYS", 50, "Most keys and list items in form data without an e-form."
)
MOTCUA_FREE_FORM_DATA_MAX_DEPTH = env_int(
    "MOTCUA_FREE_FORM_DATA_MAX_DEPTH", 2, "Deepest nesting in form data without an e-form."
)
MOTCUA_FREE_FORM_DATA_MAX_STRING_LENGTH = env_int(
    "MOTCUA_FREE_FORM_DATA_MAX_STRING_LENGTH",
    2000,
    "Longest text in form data without an e-form, in characters.",
)
MOTCUA_DOSSIER_MAX_DOCUMENTS = env_int(
    "MOTCUA_DOSSIER_MAX_DOCUMENTS", 100, "Most documents attached to one dossier (all actions)."
)
MOTCUA_PAGE_SIZE_MAX = env_int(
    "MOTCUA_PAGE_SIZE_MAX", 200, "Largest page (`limit`) any list answers."
)
MOTCUA_PAGE_OFFSET_MAX = env_int(
    "MOTCUA_PAGE_OFFSET_MAX", 10_000, "Largest `offset` any list accepts."
)

WORKCALENDAR_CACHE_TTL = env_int(
    "WORKCALENDAR_CACHE_TTL",
    60,
    "Seconds a process trusts its cached working calendar before re-checking for admin changes.",
)

MOTCUA_API_TOKEN_DAYS = env_int(
    "MOTCUA_API_TOKEN_DAYS",
    90,
    "Days a newly issued API token stays valid unless told otherwise (0: no expiry).",
)

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

SITE_NAME = env_str("MOTCUA_SITE_NAME", "Cổng Dịch vụ công Một Cửa", "Name shown in page titles.")
PROVINCE_CODE = env_str(
    "MOTCUA_PROVINCE_CODE",
    "86",
    "GSO code of the province this deployment serves (86 = Vĩnh Long after 2025).",
)

# ---------------------------------------------------------------- cache
# Redis when REDIS_URL is set (production: one cache for every worker and
# host); otherwise the database cache, shared by all local processes on the
# embedded default (its table is created by every `migrate`).
REDIS_URL = env_str(
    "REDIS_URL", "", "Redis for the shared cache (redis://host:6379/0); empty: database cache."
)
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "motcua_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}

# ---------------------------------------------------------------- payments
# Two gateways (docs/developers/payments.md). The defaults point at the local
# sandboxes `make run` starts; production sets the real addresses and secrets
# (an empty secret refuses every callback: fail closed).
MOTCUA_PUBLIC_URL = env_str(
    "MOTCUA_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "Address citizens and gateways reach this site at (return and callback links).",
)
MOTCUA_PAY_NATIONAL_URL = env_str(
    "MOTCUA_PAY_NATIONAL_URL",
    "http://127.0.0.1:8091",
    "Base address of the national payment platform (default: the local sandbox).",
)
MOTCUA_PAY_NATIONAL_PARTNER = env_str(
    "MOTCUA_PAY_NATIONAL_PARTNER", "MOTCUA", "Partner code (MaDoiTac) on the national platform."
)
MOTCUA_PAY_NATIONAL_SECRET = env_str(
    "MOTCUA_PAY_NATIONAL_SECRET",
    "sandbox-national-secret",
    "Shared secret of the national platform's check value (demo value: the sandbox's).",
)
MOTCUA_PAY_VNPAY_URL = env_str(
    "MOTCUA_PAY_VNPAY_URL",
    "http://127.0.0.1:8092",
    "Base address of the VNPay-style gateway (default: the local sandbox).",
)
MOTCUA_PAY_VNPAY_TMN_CODE = env_str(
    "MOTCUA_PAY_VNPAY_TMN_CODE", "MOTCUA01", "Merchant code (vnp_TmnCode) at the VNPay gateway."
)
MOTCUA_PAY_VNPAY_SECRET = env_str(
    "MOTCUA_PAY_VNPAY_SECRET",
    "sandbox-vnpay-secret",
    "HMAC-SHA512 secret of the VNPay gateway (demo value: the sandbox's).",
)
MOTCUA_PAY_BANK_BIN = env_str(
    "MOTCUA_PAY_BANK_BIN",
    "970415",
    "NAPAS bank BIN (6 digits) of the account fees are transferred to at the counter (VietQR).",
)
MOTCUA_PAY_BANK_ACCOUNT = env_str(
    "MOTCUA_PAY_BANK_ACCOUNT",
    "113366668888",
    "Account number fees are transferred to at the counter (VietQR; demo value). Empty: no QR.",
)
MOTCUA_PAY_BANK_ACCOUNT_NAME = env_str(
    "MOTCUA_PAY_BANK_ACCOUNT_NAME",
    "KHO BAC NHA NUOC TINH",
    "Holder of that account, printed beside the QR code.",
)
MOTCUA_PAY_EXPIRY_MINUTES = env_int(
    "MOTCUA_PAY_EXPIRY_MINUTES", 30, "Minutes a payment attempt stays open before it expires."
)
MOTCUA_PAY_SWEEP_AFTER_MINUTES = env_int(
    "MOTCUA_PAY_SWEEP_AFTER_MINUTES",
    5,
    "Minutes without a callback after which the reconciliation sweep asks the gateway.",
)
MOTCUA_THROTTLE_PAY = env_str(
    "MOTCUA_THROTTLE_PAY", "30/h,100/d", "Payment attempts started per account (portal and API)."
)

# ---------------------------------------------------------------- outbox and webhooks
# What leaves the system (docs/developers/outbox.md): `motcua outbox_worker`
# delivers the rows the dossier events wrote.
MOTCUA_OUTBOX_BATCH = env_int(
    "MOTCUA_OUTBOX_BATCH", 20, "Outbox rows a worker claims at a time (at most one per dossier)."
)
MOTCUA_OUTBOX_LEASE_SECONDS = env_int(
    "MOTCUA_OUTBOX_LEASE_SECONDS",
    300,
    "Seconds a worker holds the rows it claimed; after that, the rows of a killed worker are "
    "claimed again. Keep it well above batch x the slowest destination's timeout.",
)
MOTCUA_OUTBOX_IDLE_SECONDS = env_int(
    "MOTCUA_OUTBOX_IDLE_SECONDS", 1, "Seconds an outbox worker waits when nothing is due."
)
MOTCUA_OUTBOX_BACKOFF_BASE_SECONDS = env_int(
    "MOTCUA_OUTBOX_BACKOFF_BASE_SECONDS",
    5,
    "Wait after the first failed delivery; doubled after each further failure (with jitter).",
)
MOTCUA_OUTBOX_BACKOFF_CAP_SECONDS = env_int(
    "MOTCUA_OUTBOX_BACKOFF_CAP_SECONDS", 3600, "Longest wait between two delivery tries."
)
MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES = env_int(
    "MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES",
    3,
    "Refusals by the other side after which an outbox row is dead (waits for an administrator "
    "to resend or skip it). Temporary failures are retried without limit.",
)
MOTCUA_WEBHOOK_TIMEOUT = env_int(
    "MOTCUA_WEBHOOK_TIMEOUT", 10, "Seconds to wait for a webhook receiver's answer."
)
MOTCUA_WEBHOOK_DISABLE_AFTER = env_int(
    "MOTCUA_WEBHOOK_DISABLE_AFTER",
    10,
    "Failed deliveries in a row after which a webhook subscription is disabled and the unit's "
    "administrators are told.",
)
MOTCUA_WEBHOOK_REPLAY_WINDOW_SECONDS = env_int(
    "MOTCUA_WEBHOOK_REPLAY_WINDOW_SECONDS",
    300,
    "Seconds a signed webhook stays acceptable to a receiver (the sandbox's window; receivers "
    "are told to use the same).",
)

# ---------------------------------------------------------------- abuse protection
# Rates are "N/period" (s, m, h, d; several separated by commas, all apply;
# "off" disables). See docs/developers/security.md for what they add up to.
MOTCUA_THROTTLE_TRACK_CODE = env_str(
    "MOTCUA_THROTTLE_TRACK_CODE",
    "10/h,20/d",
    "Public tracking lookups per dossier code, from any address.",
)
MOTCUA_THROTTLE_TRACK_ADDRESS = env_str(
    "MOTCUA_THROTTLE_TRACK_ADDRESS",
    "30/h,200/d",
    "Public tracking lookups per client address, whatever the code.",
)
MOTCUA_THROTTLE_SUBMIT = env_str(
    "MOTCUA_THROTTLE_SUBMIT", "20/h,100/d", "Dossier submissions per account (portal and API)."
)
MOTCUA_THROTTLE_OPEN_DATA = env_str(
    "MOTCUA_THROTTLE_OPEN_DATA",
    "300/h,2000/d",
    "Public scorecard page and open-data downloads per address (or account).",
)
MOTCUA_THROTTLE_CONTACT_CODE = env_str(
    "MOTCUA_THROTTLE_CONTACT_CODE",
    "5/h,10/d",
    "Verification codes sent to a new phone or e-mail, per account.",
)
MOTCUA_THROTTLE_UPLOAD = env_str(
    "MOTCUA_THROTTLE_UPLOAD", "120/h,500/d", "File uploads per account (portal and API)."
)
MOTCUA_TRUSTED_PROXIES = env_int(
    "MOTCUA_TRUSTED_PROXIES",
    0,
    "Reverse proxies in front of the server that append to X-Forwarded-For; 0: the "
    "client address is REMOTE_ADDR.",
)
MOTCUA_LOGIN_FAILURE_LIMIT = env_int(
    "MOTCUA_LOGIN_FAILURE_LIMIT",
    5,
    "Wrong passwords in a row, per account and per address, before sign-in is locked.",
)
MOTCUA_LOGIN_COOLOFF_MINUTES = env_int(
    "MOTCUA_LOGIN_COOLOFF_MINUTES", 30, "Minutes a locked sign-in stays locked."
)
AXES_FAILURE_LIMIT = MOTCUA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=MOTCUA_LOGIN_COOLOFF_MINUTES)
# Either criterion locks: the account (from any address) or the address (any account).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "motcua.core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "motcua.core.throttling.client_address"
AXES_VERBOSE = False

# ---------------------------------------------------------------- national sign-on
# OpenID Connect with VNeID or the national portal (docs/developers/signon.md).
# The default issuer is the local provider `make run` starts
# (`motcua oidc_provider --port 8070`); an empty issuer hides the button.
MOTCUA_OIDC_ISSUER = env_str(
    "MOTCUA_OIDC_ISSUER",
    "",
    "OpenID Connect issuer URL (its /.well-known/openid-configuration is read); empty: national "
    "sign-on off. `make run` sets the local provider (http://127.0.0.1:8070).",
)
MOTCUA_OIDC_CLIENT_ID = env_str(
    "MOTCUA_OIDC_CLIENT_ID", "motcua-local", "Client id registered with the OIDC provider."
)
MOTCUA_OIDC_CLIENT_SECRET = env_str(
    "MOTCUA_OIDC_CLIENT_SECRET",
    "motcua-local-secret",
    "Client secret registered with the OIDC provider (use MOTCUA_OIDC_CLIENT_SECRET_FILE).",
)
MOTCUA_OIDC_SCOPES = env_str(
    "MOTCUA_OIDC_SCOPES", "openid profile", "Scopes asked of the OIDC provider."
)
MOTCUA_OIDC_IDENTITY_CLAIM = env_str(
    "MOTCUA_OIDC_IDENTITY_CLAIM",
    "personal_id",
    "ID-token claim holding the verified 12-digit personal identification number.",
)
MOTCUA_OIDC_LEEWAY_SECONDS = env_int(
    "MOTCUA_OIDC_LEEWAY_SECONDS", 60, "Clock drift accepted on the ID token's iat/exp."
)
MOTCUA_OIDC_TIMEOUT_SECONDS = env_int(
    "MOTCUA_OIDC_TIMEOUT_SECONDS", 10, "Seconds to wait for the OIDC provider's answers."
)
MOTCUA_THROTTLE_SIGNON = env_str(
    "MOTCUA_THROTTLE_SIGNON",
    "30/h,100/d",
    "National sign-on callbacks per client address (like the password sign-in).",
)

# ---------------------------------------------------------------- e-mail
# Outgoing e-mail (password recovery): a real SMTP connection. For the demo
# and the tests, run the local sandbox: `motcua smtp_sandbox --port 1025`.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1", "SMTP server that sends the site's e-mail.")
EMAIL_PORT = env_int("EMAIL_PORT", 1025, "Port of the SMTP server (1025: the local sandbox).")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "", "User name on the SMTP server (empty: none).")
EMAIL_HOST_PASSWORD = env_str(
    "EMAIL_HOST_PASSWORD", "", "Password on the SMTP server (use EMAIL_HOST_PASSWORD_FILE)."
)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False, "Use STARTTLS on the SMTP connection.")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False, "Use implicit TLS (port 465) instead.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, "Seconds to wait for the SMTP server.")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "khong-tra-loi@motcua.local", "Sender address of the site's e-mail."
)
# ---------------------------------------------------------------- notifications
# Messages to applicants and officers (e-mail above, SMS and Zalo ZNS here).
# The defaults point at the local sandboxes `make run` starts.
MOTCUA_PUBLIC_URL = env_str(
    "MOTCUA_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "Public address of the site, for links in messages.",
)
NOTIFY_SMS_URL = env_str("NOTIFY_SMS_URL", "http://127.0.0.1:1026", "SMS gateway's base address.")
NOTIFY_SMS_KEY = env_str(
    "NOTIFY_SMS_KEY", "", "API key of the SMS gateway (use NOTIFY_SMS_KEY_FILE)."
)
NOTIFY_ZALO_URL = env_str("NOTIFY_ZALO_URL", "http://127.0.0.1:1027", "Zalo ZNS base address.")
NOTIFY_ZALO_TOKEN = env_str(
    "NOTIFY_ZALO_TOKEN", "", "Zalo ZNS access token (use NOTIFY_ZALO_TOKEN_FILE)."
)
NOTIFY_CHANNEL_TIMEOUT = env_int("NOTIFY_CHANNEL_TIMEOUT", 10, "Seconds to wait for SMS/Zalo.")
NOTIFY_MAX_ATTEMPTS = env_int(
    "NOTIFY_MAX_ATTEMPTS", 12, "Tries of one message before it is marked failed."
)
NOTIFY_ALERT_AFTER = env_int(
    "NOTIFY_ALERT_AFTER",
    5,
    "Messages failing in a row on one channel before the administrators are alerted.",
)
NOTIFY_RETRY_BASE_SECONDS = env_int(
    "NOTIFY_RETRY_BASE_SECONDS", 60, "First wait after a temporary failure (doubles each time)."
)
NOTIFY_RETRY_MAX_SECONDS = env_int(
    "NOTIFY_RETRY_MAX_SECONDS", 3600, "Longest wait between two tries of one message."
)
NOTIFY_DUE_WINDOW_HOURS = env_int(
    "NOTIFY_DUE_WINDOW_HOURS", 24, "Hours before a step's due time that its holders are warned."
)
PASSWORD_RESET_TIMEOUT = env_int(
    "PASSWORD_RESET_TIMEOUT", 3 * 3600, "Seconds a password-reset link stays valid."
)

# ---------------------------------------------------------------- post and feedback
# Results by post (Decision 45/2016): the carrier's API. For the demo and the
# tests, run the sandbox: `motcua vnpost_sandbox --port 8025`.
VNPOST_BASE_URL = env_str(
    "VNPOST_BASE_URL", "http://127.0.0.1:8025", "Base URL of the carrier's (VNPost) API."
)
VNPOST_TOKEN = env_str("VNPOST_TOKEN", "sandbox-token", "API token at the carrier (use _FILE).")
VNPOST_WEBHOOK_SECRET = env_str(
    "VNPOST_WEBHOOK_SECRET",
    "sandbox-secret",
    "Shared secret of the carrier's signed status webhook (use VNPOST_WEBHOOK_SECRET_FILE).",
)
RATING_CHANGE_DAYS = env_int(
    "RATING_CHANGE_DAYS", 7, "Days after the first rating during which the applicant may change it."
)
FEEDBACK_ANSWER_DAYS = env_int(
    "FEEDBACK_ANSWER_DAYS", 10, "Working days a unit has to answer a feedback or complaint."
)

# ---------------------------------------------------------------- national platforms
# The National Public Service Portal (DVCQG) through the provincial integration
# gateway, and the measurement system (EMC). For the demo and the tests, run the
# simulator: `motcua national_portal_sandbox --port 8093` (make run starts it).
MOTCUA_NATIONAL_PORTAL_URL = env_str(
    "MOTCUA_NATIONAL_PORTAL_URL",
    "http://127.0.0.1:8093",
    "Base URL of the provincial integration gateway to the national portal (DVCQG).",
)
MOTCUA_NATIONAL_PORTAL_USERNAME = env_str(
    "MOTCUA_NATIONAL_PORTAL_USERNAME", "motcua", "User name at the integration gateway."
)
MOTCUA_NATIONAL_PORTAL_PASSWORD = env_str(
    "MOTCUA_NATIONAL_PORTAL_PASSWORD",
    "motcua",
    "Password at the integration gateway (use MOTCUA_NATIONAL_PORTAL_PASSWORD_FILE).",
)
MOTCUA_NATIONAL_PORTAL_UNIT_CODE = env_str(
    "MOTCUA_NATIONAL_PORTAL_UNIT_CODE",
    "000.00.00.H62",
    "The province's unit code at the gateway (madonvi).",
)
MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS = env_int(
    "MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS", 10, "Seconds to wait for one gateway answer."
)
MOTCUA_NATIONAL_LINK_SECONDS = env_int(
    "MOTCUA_NATIONAL_LINK_SECONDS",
    7 * 86400,
    "Seconds a signed document link sent to the national portal stays valid.",
)
MOTCUA_NATIONAL_SITE_URL = env_str(
    "MOTCUA_NATIONAL_SITE_URL",
    "http://127.0.0.1:8000",
    "This site's public base URL, used in the document links sent to the national portal.",
)
MOTCUA_THROTTLE_NATIONAL_FILE = env_str(
    "MOTCUA_THROTTLE_NATIONAL_FILE",
    "600/h",
    "Downloads of signed document links per client address.",
)
MOTCUA_NATIONAL_LATE_MINUTES = env_int(
    "MOTCUA_NATIONAL_LATE_MINUTES",
    60,
    "Minutes after a dossier event by which the national portal must hold it (else late-synced).",
)
MOTCUA_NATIONAL_RECONCILE_DAYS = env_int(
    "MOTCUA_NATIONAL_RECONCILE_DAYS",
    30,
    "The daily reconciliation looks up every dossier with an event in this many days.",
)
MOTCUA_EMC_SITE_ID = env_str(
    "MOTCUA_EMC_SITE_ID",
    "",
    "Site id assigned by the measurement system (EMC); empty: no page-tracking snippet.",
)
MOTCUA_EMC_TRACKER_URL = env_str(
    "MOTCUA_EMC_TRACKER_URL",
    "https://f-emc.ngsp.gov.vn",
    "Origin of EMC's page tracker (its script and tracking endpoint; allowed by the CSP when on).",
)
MOTCUA_EMC_EVENTS_URL = env_str(
    "MOTCUA_EMC_EVENTS_URL",
    "http://127.0.0.1:8093/TrackingMCDT",
    "EMC's endpoint for server-side dossier events (the simulator's by default).",
)

# ---------------------------------------------------------------- accountability
MOTCUA_ACCOUNTABILITY_PAGE_SIZE = env_int(
    "MOTCUA_ACCOUNTABILITY_PAGE_SIZE", 50, "Rows per page of the accountability lists."
)
MOTCUA_ACCOUNTABILITY_BOUNCES = env_int(
    "MOTCUA_ACCOUNTABILITY_BOUNCES",
    2,
    "A dossier is listed as bounced when it was sent back or moved between units more than this "
    "many times (the page's filter starts from it).",
)
MOTCUA_EXPORT_MAX_ROWS = env_int(
    "MOTCUA_EXPORT_MAX_ROWS",
    100_000,
    "Most rows one CSV or xlsx export of the accountability tables may hold; beyond it the page "
    "asks for a shorter period or one unit.",
)
MOTCUA_THROTTLE_EXPORT = env_str(
    "MOTCUA_THROTTLE_EXPORT",
    "60/h,300/d",
    "Exports (CSV, xlsx) of the accountability tables per account.",
)

# ---------------------------------------------------------------- transport and headers
SESSION_COOKIE_SECURE = env_bool(
    "SESSION_COOKIE_SECURE", False, "Send the session and CSRF cookies over HTTPS only."
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT", False, "Redirect every plain-HTTP request to HTTPS."
)
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS",
    0,
    "Strict-Transport-Security max-age in seconds (production: 31536000); 0: no header.",
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", False, "Add includeSubDomains to the HSTS header."
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False, "Add preload to the HSTS header.")
if env_bool(
    "MOTCUA_BEHIND_TLS_PROXY",
    False,
    "A reverse proxy terminates TLS and sets X-Forwarded-Proto: trust it for is_secure().",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline script or style anywhere;
# htmx's own indicator style is switched off by its config meta tag.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if MOTCUA_EMC_SITE_ID:
    # The measurement system's page tracker (decision 0039): its script and
    # its beacon, from its one origin; the snippet itself is a static file.
    for _directive in ("script-src", "connect-src", "img-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive].append(MOTCUA_EMC_TRACKER_URL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_str("LOG_LEVEL", "WARNING", "Root log level (DEBUG, INFO, WARNING…)."),
    },
}
