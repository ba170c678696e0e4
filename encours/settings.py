"""Django settings. Everything that differs between machines comes from the environment.

ENCOURS_DATABASE_URL   sqlite:///path/to/file.sqlite3 (default: var/encours.sqlite3) or postgres://user:pw@host/db
ENCOURS_SECRET_KEY     required when ENCOURS_DEBUG is off
ENCOURS_DEBUG          true/false (default false)
ENCOURS_ALLOWED_HOSTS  comma-separated (default localhost,127.0.0.1)
"""
from __future__ import annotations

import datetime
import importlib.util
import secrets
from pathlib import Path

import dj_database_url
import django

from encours.environment import BadSetting, env_bool, env_database_url, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ENCOURS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("ENCOURS_DEBUG", False)
SECRET_KEY = env_str("ENCOURS_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or env_bool("ENCOURS_DEMO", False):
        SECRET_KEY = "encours-insecure-demo-key-do-not-use-in-production-0123456789abcdef"
    elif env_bool("ENCOURS_CLI", False):
        # Command-line work (imports, reports) signs nothing that outlives the process.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise BadSetting("ENCOURS_SECRET_KEY must be set (or run with ENCOURS_DEBUG=true / ENCOURS_DEMO=true)")
ALLOWED_HOSTS = env_list("ENCOURS_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from the package, not from a CDN
    "encours.accounts",
    "encours.customers",
    "encours.ledger",
    "encours.history",
    "encours.reporting",
    "encours.imports",
    "encours.collections",
    "encours.risk",
    "encours.web",
    "encours.api",
]
if importlib.util.find_spec("django.tasks") is None:  # Django 5.2: the backport provides the framework
    INSTALLED_APPS.insert(0, "django_tasks")

# Background work (imports, dunning runs) is queued in the database and run by `encours worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

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

ROOT_URLCONF = "encours.urls"
WSGI_APPLICATION = "encours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "encours.web.context.encours",
            ],
        },
    },
]

DATABASE_URL = env_database_url("ENCOURS_DATABASE_URL", f"sqlite:///{VAR_DIR / 'encours.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while an import writes; IMMEDIATE avoids lock upgrades failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    test_name = env_str("ENCOURS_TEST_DATABASE_NAME")
    if test_name:
        DATABASES["default"]["TEST"] = {"NAME": test_name}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and statements run 5 times on a connection prepared: the planning of
    # each query then happens once per connection (the order check: PostgreSQL's CPU halved).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LOCALE_PATHS = [BASE_DIR / "encours" / "locale"]
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # `collectstatic` target in production; WhiteNoise serves from the apps too
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# E-mail: reminders go out through the SMTP server named here, else through the machine's own mail server
# (localhost:25). The demo and development write them as files to var/outbox instead, so that nothing
# leaves the machine by accident.
if env_str("ENCOURS_SMTP_HOST") or not (DEBUG or env_bool("ENCOURS_DEMO", False)):
    try:
        _smtp_port = int(env_str("ENCOURS_SMTP_PORT", "587" if env_str("ENCOURS_SMTP_HOST") else "25"))
    except ValueError:
        raise BadSetting("ENCOURS_SMTP_PORT must be a port number") from None
    _use_ssl = env_bool("ENCOURS_SMTP_SSL", False)
    _MAILER = {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": env_str("ENCOURS_SMTP_HOST", "localhost"), "port": _smtp_port,
        "username": env_str("ENCOURS_SMTP_USER"), "password": env_str("ENCOURS_SMTP_PASSWORD"), "use_ssl": _use_ssl,
        "use_tls": not _use_ssl and env_bool("ENCOURS_SMTP_STARTTLS", bool(env_str("ENCOURS_SMTP_HOST"))),
        "timeout": 30,
    }}
else:
    _MAILER = {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
               "OPTIONS": {"file_path": str(VAR_DIR / "outbox")}}
if django.VERSION >= (6, 1):
    MAILERS = {"default": _MAILER}
else:  # Django 5.2 (Python 3.11): the same, in the settings MAILERS replaces
    _options = _MAILER["OPTIONS"]
    EMAIL_BACKEND = _MAILER["BACKEND"]
    EMAIL_FILE_PATH = _options.get("file_path")
    EMAIL_HOST, EMAIL_PORT = _options.get("host", "localhost"), _options.get("port", 25)
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _options.get("username", ""), _options.get("password", "")
    EMAIL_USE_SSL, EMAIL_USE_TLS = _options.get("use_ssl", False), _options.get("use_tls", False)
    EMAIL_TIMEOUT = _options.get("timeout")
DEFAULT_FROM_EMAIL = env_str("ENCOURS_EMAIL_FROM", "encours@localhost")
# The address people reach Encours at, for links in e-mails (https://encours.example.fr); empty: paths only.
ENCOURS_BASE_URL = env_str("ENCOURS_BASE_URL", "").rstrip("/")
if ENCOURS_BASE_URL and not ENCOURS_BASE_URL.startswith(("http://", "https://")):
    raise BadSetting("ENCOURS_BASE_URL must start with http:// or https://")

# The daily dunning run, queued for `encours worker` at this local time ("off": no scheduled run).
ENCOURS_DUNNING_AT = env_str("ENCOURS_DUNNING_AT", "06:00")
if ENCOURS_DUNNING_AT != "off":
    try:
        datetime.time.fromisoformat(ENCOURS_DUNNING_AT)
    except ValueError:
        raise BadSetting("ENCOURS_DUNNING_AT must be a time such as 06:00, or off") from None

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
UPLOADS_DIR = VAR_DIR / "uploads"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_bool("ENCOURS_HTTPS", True) and not env_bool("ENCOURS_DEMO", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ENCOURS_LOG_LEVEL", "WARNING")},
}
