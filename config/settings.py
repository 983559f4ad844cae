"""Roundtable settings: one module, read from the environment.

Every value has a safe default for the one-command local set-up (SQLite under var/,
in-memory channel layer, console email). Production sets DEBUG off (the default),
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ROUNDTABLE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest the test settings apply without any extra environment.
TESTING = env_bool("ROUNDTABLE_TESTING", "pytest" in sys.modules)

# The development key: make run (a demo), tests and benchmarks. A production start
# (scripts/serve) refuses it (roundtable/core/checks.py), and only under it does demo data load.
DEV_SECRET_KEY = "dev-insecure-key-not-for-production-use-only-on-your-own-machine"  # noqa: S105 - dev/test only
_secret = os.environ.get("SECRET_KEY", "")
if not _secret:
    if not DEBUG and not TESTING and not env_bool("ROUNDTABLE_DEV_SECRET", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (make run sets a development key)."
        )
    _secret = DEV_SECRET_KEY
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    # Two-factor sign-in (TOTP, recovery codes, passkeys) and the list of signed-in devices
    # (issue 12, item 5; roundtable/accounts/security.py).
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    # Before django_tasks_db: its db_worker command is ours (the worker's heartbeat and the
    # periodic tick start with it, roundtable/core/worker.py).
    "roundtable.core",
    "django_tasks_db",
    "channels",
    "ninja",
    "roundtable.accounts",
    "roundtable.groups",
    "roundtable.meetings",
    "roundtable.live",
    "roundtable.tracker",
    "roundtable.journal",
    "roundtable.network",
    "roundtable.speakers",
    "roundtable.notifications",
    "roundtable.buddies",
    "roundtable.stories",
    "roundtable.safety",
    "roundtable.privacy",
    "roundtable.home",
    "roundtable.demo",
    "roundtable.api",
]

MIDDLEWARE = [
    # Outermost, so that it sees every error answer under /api/ and makes it JSON.
    "roundtable.api.middleware.JsonApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security: whatever a page holds, forbidden code points never leave.
    "roundtable.core.middleware.ForbiddenCodePointsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Keeps each signed-in device's last visit for the sessions page, writing at most once
    # every five minutes (allauth's own UserSessionsMiddleware writes on every request).
    "roundtable.accounts.middleware.DeviceActivityMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: sees the view's bare 405 with the request's user and CSP nonce still in reach.
    "roundtable.core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "roundtable.core.views.csrf_failure"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "roundtable" / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "roundtable.core.nav.nav",
            ],
        },
    }
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL names another.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Keep each thread's connection open between requests (CONN_MAX_AGE None, checked for health
# before reuse) where the threads are a fixed few: the WSGI workers (config/wsgi.py turns this
# on). Opening and closing a SQLite connection per request (the PRAGMAs, and the WAL
# checkpoint when the last one closes) was a third of a group page's time on granian
# (py-spy, docs/discovery-at-scale.md "Page cost"). Off elsewhere: under ASGI each request
# runs on a thread of its own, and kept connections pile up (bench/meetings.py).
PERSISTENT_CONNECTIONS = env_bool("ROUNDTABLE_PERSISTENT_CONNECTIONS", False)
if DATABASE_URL:
    try:
        # No persistent connections: under ASGI each request runs on its own thread, and kept
        # connections pile up until the server refuses more (measured in bench/meetings.py).
        # PostgreSQL gets a pool instead (below): a request borrows a connection and gives it back.
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    # Django's psycopg pool, one per process: no connection set-up per request (a TCP
    # handshake and authentication, a few ms each), and a bound on the connections a process
    # holds, so PAGE_WORKERS + SOCKET_WORKERS + task workers, times DATABASE_POOL_MAX_SIZE,
    # stays below PostgreSQL's max_connections (docs/operations.md). Off for a pooler in
    # transaction mode in front (PgBouncer), which does this itself.
    DATABASE_POOL = env_bool("DATABASE_POOL", True)
    DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 4)
    if DATABASE_POOL_MAX_SIZE < 1:
        raise ImproperlyConfigured("DATABASE_POOL_MAX_SIZE must be 1 or more.")
    if DATABASE_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_MAX_SIZE,
            # A request waits this long for a free connection, then fails (a 500 in the log)
            # rather than queueing without end behind a stuck database.
            "timeout": 10,
        }
    # Prepared statements: the values travel apart from the SQL (server-side binding), and a
    # statement a connection has run twice is prepared, so PostgreSQL parses and plans it once
    # per connection, not on every run. Planning was most of PostgreSQL's work for a live
    # room's change (6.7 -> 2.3 ms of the backend's CPU, and 13.5 -> 7.8 ms wall, for the 11
    # statements of one change; bench/live.py, docs/operations.md). Off behind a pooler in
    # transaction mode older than PgBouncer 1.21, which cannot carry them.
    DATABASE_PREPARED = env_bool("DATABASE_PREPARED", True)
    if DATABASE_PREPARED and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
    pooled = DATABASE_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if PERSISTENT_CONNECTIONS and not pooled:  # the pool already keeps connections: Django refuses both
        DATABASES["default"]["CONN_MAX_AGE"] = None
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "roundtable.sqlite3")),
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE makes a
                # write transaction take its lock up front so concurrent writers
                # wait (busy timeout) instead of failing half-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
                ),
            },
            # Tests use a file too (not shared-cache memory), so concurrency tests see the
            # same locking as production: WAL, busy timeout, immediate transactions.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
            "CONN_MAX_AGE": None if PERSISTENT_CONNECTIONS else 0,
            "CONN_HEALTH_CHECKS": PERSISTENT_CONNECTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The demo's published password belongs to demo accounts only (roundtable/core/checks.py).
    {"NAME": "roundtable.accounts.validators.NotTheDemoPassword"},
]

# django-allauth: email is the login; it must be confirmed before first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the public name, so it is never derived from the email address.
ACCOUNT_SIGNUP_FORM_CLASS = "roundtable.accounts.forms.SignupNameForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SIGNUP_REDIRECT_URL = "/me/profile/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Roundtable] "
# Failed logins are throttled per address and per account on every way of signing in
# (accounts/adapter.py lists them); allauth answers with a plain "too many failed login
# attempts" form error, the API with a 429.
ACCOUNT_ADAPTER = "roundtable.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/5m/key",
}
# Changing the email address, the password or two-factor settings, creating an API token and
# deleting the account ask for the password (or a two-factor code, or a passkey) again when
# the last sign-in or confirmation is older than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
LOGIN_REDIRECT_URL = "/"

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes, and
# passkeys, which also sign in on their own (MFA_PASSKEY_LOGIN_ENABLED). A passkey belongs to
# the request's host name (the relying party), and the browser's origin must be https on it,
# or plain http on localhost (fido2's rule; an IP address such as 127.0.0.1 cannot hold
# passkeys: open the site as http://localhost:8000 to try them locally).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Roundtable"
# Devices signed in to the account (allauth.usersessions), with their last visit: allauth's
# page shows it under this setting; the visit is kept by accounts.middleware, not allauth's.
USERSESSIONS_TRACK_ACTIVITY = True
LOGIN_URL = "/accounts/login/"

# The real client address behind reverse proxies, for every limit keyed on an address
# (failed logins on every surface, sign-ups, password resets): either the number of proxies
# of ours that each append to X-Forwarded-For (the address that many places from its right
# end is the client's), or the name of a header one trusted proxy sets to the client's
# address (X-Real-IP). Neither: the connection's own address. docs/operations.md.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER", "").strip() or None
if ALLAUTH_TRUSTED_CLIENT_IP_HEADER and ALLAUTH_TRUSTED_PROXY_COUNT:
    raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, not both.")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# Roundtable's own wording for allauth's English (roundtable/core/locale/en/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "roundtable" / "core" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Cache and rate limits: local memory unless Redis is configured.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Redis pub/sub, not channels-redis's list-based layer: a room's change is one PUBLISH, and
    # each process gets it once and hands it to its sockets of that room, where the list-based
    # layer pushes one message per socket and each process pops them one by one (four Redis
    # round trips per socket per change). At 200 rooms of 15 on two processes, p50 went from
    # 2-3 s to 0.02-0.5 s (bench/live.py, docs/operations.md). Pub/sub keeps nothing for a
    # socket that is not listening: nothing is lost by it, since the room lives in the
    # database and a socket that (re)connects starts from a snapshot. Each process's Redis
    # connection pool is bounded by REDIS_MAX_CONNECTIONS.
    _redis_host = {"address": REDIS_URL, "max_connections": env_int("REDIS_MAX_CONNECTIONS", 2000)}
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [_redis_host]}}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "roundtable.live.layers.SweepingInMemoryChannelLayer"}}

# Production (scripts/serve) runs pages and the API in WSGI workers (granian) and the live
# rooms' WebSockets in ASGI workers (uvicorn): always more than one process, which share rate
# limits (the cache) and live-room messages (the channel layer) only through Redis, so a
# production start refuses to run without REDIS_URL (roundtable/core/checks.py, rt.E005).
# PAGE_WORKERS, PAGE_THREADS, SOCKET_WORKERS and SOCKETS_PORT are read by scripts/serve.

# Background work: Django's task framework with the database backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email: console by default; SMTP when EMAIL_HOST is set.
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Roundtable <hello@roundtable.localhost>")

# Security headers. HTTPS-only settings follow ROUNDTABLE_HTTPS (on in production).
HTTPS = env_bool("ROUNDTABLE_HTTPS", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
# Probes on the machine itself speak plain HTTP to the web process: answering them with a
# redirect to https would make every probe fail.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Live rooms: each socket may send this many messages at once, then this many a second
# (roundtable/live/consumers.py, "Flooding"). A facilitator's busiest minute is a few keys.
LIVE_SOCKET_BURST = env_int("LIVE_SOCKET_BURST", 20)
LIVE_SOCKET_PER_SECOND = float(env_int("LIVE_SOCKET_PER_SECOND", 5))
# Seconds between the checks of the access of everyone with a live socket (one query per room
# and socket process), so access lost where no "access.revoked" reaches this process (manage.py
# shell, the task worker, another process without Redis) closes the socket within this bound
# (live/consumers.py).
LIVE_ACCESS_RECHECK_SECONDS = float(env_int("LIVE_ACCESS_RECHECK_SECONDS", 20))
# Threads each socket process runs its rooms' database work on (live/consumers.py, room_db):
# several, so one room's queries need not wait behind another's round trips. On PostgreSQL
# with the pool, at most DATABASE_POOL_MAX_SIZE (a thread borrows a connection for each
# call); SQLite's writers take turns whatever the number (docs/operations.md, Live rooms).
LIVE_DB_THREADS = env_int("LIVE_DB_THREADS", 4)
if LIVE_DB_THREADS < 1:
    raise ImproperlyConfigured("LIVE_DB_THREADS must be 1 or more.")

# Demo data: make run loads it into an empty database unless this is off. It loads only
# under the development key (demo_data refuses otherwise): production is never a demo.
ROUNDTABLE_DEMO_DATA = env_bool("ROUNDTABLE_DEMO_DATA", True)

# Days the audit trail of sensitive actions keeps an event (roundtable/safety/audit.py).
ROUNDTABLE_AUDIT_RETENTION_DAYS = env_int("ROUNDTABLE_AUDIT_RETENTION_DAYS", 400)
if ROUNDTABLE_AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("ROUNDTABLE_AUDIT_RETENTION_DAYS must be 1 or more.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Absolute address used in emails and calendar feeds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
