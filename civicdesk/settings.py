"""Django settings for civicdesk: every knob comes from the environment through ``lib/env.py``.

Production defaults are safe (DEBUG off, secure cookies, a required SECRET_KEY). With
``CIVICDESK_DEMO=true`` the embedded defaults apply: SQLite in WAL mode under ``var/``, an in-memory
channel layer, a fixed demo secret and plain-HTTP cookies.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from civicdesk.lib import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("CIVICDESK_VAR_DIR", str(BASE_DIR / "var")))

DEMO = env.boolean("CIVICDESK_DEMO", False)
DEBUG = env.boolean("DEBUG", False)

SECRET_KEY = env.string("SECRET_KEY", "demo-only-secret-not-for-production" if DEMO else env.REQUIRED)
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "civicdesk.organisations",
    "civicdesk.directory",
    "civicdesk.knowledge",
    "civicdesk.contacts",
    "civicdesk.cases",
    "civicdesk.routing",
    "civicdesk.telephony",
]

MIDDLEWARE = [
    "civicdesk.lib.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "civicdesk.organisations.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "civicdesk.lib.ratelimit.UnauthenticatedApiRateLimitMiddleware",
    "civicdesk.lib.http.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"
ASGI_APPLICATION = "civicdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "civicdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicdesk.organisations.context_processors.chrome",
            ],
        },
    }
]

# --- Database: PostgreSQL in production, SQLite (WAL) under var/ as the embedded default ---
_sqlite_default = f"sqlite:///{VAR_DIR / 'civicdesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env.string("DATABASE_URL", _sqlite_default), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    # Statements are prepared only where asked for (civicdesk/lib/prepared.py), never by count.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer and rate limits; in-process equivalents when it is not configured ---------
REDIS_URL = env.string("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # No read timeout on the layer's connections: redis-py's default 5 s equals channels_redis's blocking
    # wait, and a read that times out first kills the consumer (django/channels_redis#422).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background work: the Django tasks API with its database backend ---
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- E-mail: SMTP in production, the console in the demo; SITE_URL makes links in e-mails absolute ---
EMAIL_HOST = env.string("EMAIL_HOST", "")
EMAIL_PORT = env.integer("EMAIL_PORT", 587)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
SITE_URL = env.string("CIVICDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "civicdesk <noreply@civicdesk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain of the Message-IDs we make, so replies thread back to their case.
CIVICDESK_MAIL_DOMAIN = env.string(
    "CIVICDESK_MAIL_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
)

# --- Users and sign-in ---
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_RATE = env.string("CIVICDESK_LOGIN_RATE", "10/m")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
RATELIMIT_VIEW = "civicdesk.lib.http.ratelimited"
API_UNAUTHENTICATED_RATE = env.string("CIVICDESK_API_UNAUTHENTICATED_RATE", "60/m")
API_CALLER_RATE = env.string("CIVICDESK_API_CALLER_RATE", "60000/m")
# Public endpoints (a municipality's knowledge search and incidents) per client address without sign-in.
API_PUBLIC_RATE = env.string("CIVICDESK_API_PUBLIC_RATE", "120/m")

# --- Security: secure unless this is the demo on plain HTTP ---
SECURE_COOKIES = env.boolean("CIVICDESK_SECURE_COOKIES", not DEMO)
# The simulated phone system (manage.py simulate_calls): started beside the demo server, and agents answer
# and hang up its calls in the browser. Off in production, where a real phone system carries the calls.
PHONE_SIMULATOR = env.boolean("CIVICDESK_PHONE_SIMULATOR", DEMO)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.boolean("CIVICDESK_BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer("CIVICDESK_UPLOAD_MAX_BYTES", 30 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
CIVICDESK_ATTACHMENT_MAX_BYTES = env.integer("CIVICDESK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
CIVICDESK_MAIL_MAX_BYTES = env.integer("CIVICDESK_MAIL_MAX_BYTES", 25 * 1024 * 1024)

# --- Languages, dates, time zones ---
LANGUAGE_CODE = env.string("CIVICDESK_LANGUAGE", "en")
LANGUAGES = [("da", _("Danish")), ("sv", _("Swedish")), ("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "civicdesk" / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["civicdesk.formats"]
USE_TZ = True
TIME_ZONE = "UTC"

# --- Files ---
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "civicdesk" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.string("CIVICDESK_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEMO
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEMO

# --- Logs: one JSON line per request in production ---
LOG_FORMAT = env.string("CIVICDESK_LOG_FORMAT", "text" if DEMO else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.string("CIVICDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "uvicorn.access": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# SQLite cannot enforce "one role assignment" with NULLs equal; role_grant's get_or_create guards it there.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
