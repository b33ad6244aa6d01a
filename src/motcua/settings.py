"""Django settings for Một Cửa. Every value comes from the environment
through :mod:`motcua.env`; the defaults are safe for a local demo."""

from __future__ import annotations

from pathlib import Path

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
    _DEV_SECRET,
    "Secret used for signing sessions and tokens. Must be set in production.",
)
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
    "motcua.accounts.admin_apps.MotCuaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Admin-site permissions from the roles a person holds (accounts.admin_access).
    "motcua.accounts.admin_access.RolePermissionBackend",
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MOTCUA_UPLOAD_MAX_BYTES = env_int(
    "MOTCUA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, "Largest accepted upload, in bytes."
)
MOTCUA_UPLOAD_MAX_PIXELS = env_int(
    "MOTCUA_UPLOAD_MAX_PIXELS", 50_000_000, "Largest accepted image, in pixels (width × height)."
)
DATA_UPLOAD_MAX_MEMORY_SIZE = MOTCUA_UPLOAD_MAX_BYTES + 1024 * 1024

WORKCALENDAR_CACHE_TTL = env_int(
    "WORKCALENDAR_CACHE_TTL",
    60,
    "Seconds a process trusts its cached working calendar before re-checking for admin changes.",
)

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

SITE_NAME = env_str("MOTCUA_SITE_NAME", "Cổng Dịch vụ công Một Cửa", "Name shown in page titles.")
PROVINCE_CODE = env_str(
    "MOTCUA_PROVINCE_CODE",
    "86",
    "GSO code of the province this deployment serves (86 = Vĩnh Long after 2025).",
)

SESSION_COOKIE_SECURE = env_bool(
    "SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only."
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool(
    "MOTCUA_BEHIND_PROXY",
    False,
    "Trust the reverse proxy's X-Forwarded-Proto header (only when the server listens on "
    "127.0.0.1 behind it).",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_str("LOG_LEVEL", "WARNING", "Root log level (DEBUG, INFO, WARNING…)."),
    },
}
