"""Settings for every environment: values come from environment variables, with defaults that
run the app and its tests on a fresh machine with no services (SQLite and an embedded broker)."""

import os
from datetime import timedelta
from email.utils import formataddr, getaddresses
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Development and tests only: the web application refuses to start with it when DEBUG is off (config/wsgi.py), and
# `check --deploy` fails on it (operations/checks.py), so production cannot run on a key everyone can read.
BUILT_IN_SECRET_KEY = "dev-only-insecure-key"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or BUILT_IN_SECRET_KEY
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))  # SQLite, media and the embedded broker
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_ckeditor_5",  # only for the CKEditor 5 build it ships as static files; our own JS starts it
    # Our apps, in the layer order of README.md's architecture: each imports only apps listed before it.
    "common",
    "audit",
    "cases",
    "evidence",
    "extraction",
    "narratives",
    "engagements",
    "exports",
    "demo",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

_sqlite_path = DATA_DIR / "db.sqlite3"
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{_sqlite_path}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The web process and the worker write the same file: WAL lets readers go on while one writes,
    # and IMMEDIATE transactions wait for the lock instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a worker process started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:case_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
# Uploaded records are privileged: they live outside any served folder and are handed out
# only by views that check the case team. There is deliberately no public MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media-not-served/"
# Originals and exports: a local folder by default; an S3-compatible bucket (MinIO, Ceph, AWS) when
# AWS_STORAGE_BUCKET_NAME is set (django-storages' own names), which every machine of a deployment shares instead of
# a disk. The bucket stays private: files are handed out only through the access-checked views, never by its URLs.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # None: AWS itself
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None  # None: the machine's role or ~/.aws
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_LOCATION = os.environ.get("AWS_LOCATION", "")  # a key prefix, to share a bucket with other data
AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE", "path")  # MinIO and Ceph name buckets in paths
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None  # the bucket's own policy (private), never public-read
AWS_QUERYSTRING_AUTH = True  # any URL made by mistake expires; the app itself makes none
AWS_S3_FILE_OVERWRITE = False  # as on disk: a second file of the same name gets a new name, never replaces one
_default_storage = (
    {"BACKEND": "storages.backends.s3.S3Storage"}
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)  # production serves hashed, collected files
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without the manifest (development, tests) static files are served from the source folders. With it (production),
# only collected files exist for the app: a missed `collectstatic` makes every page fail, which is why `./dev serve`
# and the deployment files always run it first.
WHITENOISE_USE_FINDERS = STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("UPLOAD_MAX_FILES", 200)

# Records
RECORD_MAX_BYTES = env_int("RECORD_MAX_BYTES", 100 * 1024 * 1024)
RECORD_MAX_PAGES = env_int("RECORD_MAX_PAGES", 5000)
RECORD_MAX_UNZIPPED_BYTES = env_int("RECORD_MAX_UNZIPPED_BYTES", 300 * 1024 * 1024)
RECORD_OCR_ENABLED = env_bool("RECORD_OCR_ENABLED", True)
RECORD_OCR_DPI = env_int("RECORD_OCR_DPI", 300)
RECORD_MAX_READ_ATTEMPTS = env_int("RECORD_MAX_READ_ATTEMPTS", 3)
# Each worker process may use at most this much memory: a hostile file that makes the PDF library allocate
# without end kills only its own process (the job is retried, then set aside), never the machine.
WORKER_MEMORY_LIMIT_MB = env_int("WORKER_MEMORY_LIMIT_MB", 3000)

# Celery: a real worker process, never eager. By default it polls a SQLite-backed queue
# (kombu's SQLAlchemy transport), so nothing needs a server; set CELERY_BROKER_URL=redis://... to scale.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'broker.sqlite3'}")
# The web process and the workers share the broker file: wait for its lock instead of failing.
# (The SQLAlchemy transport hands these options to create_engine; it polls the queue once a second.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}} if CELERY_BROKER_URL.startswith("sqla+sqlite") else {}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A message taken by a worker that dies comes back after this long (acks_late): longer than any job.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", 1_500_000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# On SIGTERM (with REMAP_SIGTERM=SIGQUIT, as ./dev and the deployment files set it) a worker hands its running job
# back to the queue (acks_late; every job is safe to run twice) and exits within seconds: a stop or restart never
# waits for an hour of OCR. A grace period for jobs to finish first can be set here; stopping then takes that longer.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = float(os.environ.get("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", "0"))
# Each worker writes a heartbeat this often; /healthz says a worker is up while the newest is under 3 periods old.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "mitigation")

# Security: production (DEBUG off) gets the strict values by default; each can be overridden.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a TLS proxy the request reaches gunicorn as plain HTTP; the proxy says it was HTTPS. Trust the header only
# there (`./dev serve` sets it), with the app bound where nothing but the proxy can reach it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
# Load balancers probe over plain HTTP on the private side: the health check answers there instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)  # per username and address
# One address may be a whole office behind one router: it gets more tries in all before it is refused.
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

# Plain text for people (`./dev run`, tests); JSON lines for a log collector (`./dev serve` and the deployment files set
# LOG_FORMAT=json): one object per record with the ids passed as `extra` (common/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "common.logs.JsonFormatter"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        # Does nothing while ADMINS is empty. Its report leaves out every request value (config/errors.py).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "reporter_class": "config.errors.PrivilegedExceptionReporter",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own `django` logger setup, which mails ADMINS the full request (POST data included).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
# A worker keeps the handler above instead of replacing it with Celery's own text format, so its lines are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# Server errors (500s) are mailed to ADMINS, e.g. DJANGO_ADMINS="Ops <ops@defender.example.org>,Jo <jo@...>", through
# the SMTP server below; nobody is mailed while it is empty.
_admins = [(name, address) for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if address]
ADMINS = _admins if django.VERSION < (6,) else [formataddr(admin) for admin in _admins]  # 6.x takes plain strings
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # a slow mail server must not hold a web process for long
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "mitigation@localhost")  # the sender of error mails
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SERVER_EMAIL)
EMAIL_SUBJECT_PREFIX = os.environ.get("EMAIL_SUBJECT_PREFIX", "[Mitigation] ")

# Errors to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set, from web and workers alike;
# no personal data, request bodies, query strings or local variables are sent (config/observability.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.observability import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
                release=os.environ.get("SENTRY_RELEASE") or None,
                traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")))

DEMO_RECORDS_DIR = BASE_DIR / "demo" / "client-a" / "records"

# The sweep queues again what a killed worker or a lost message left unfinished. Run beat once per deployment
# (`celery -A config beat`, or `worker -B` on one worker).
# A running job's worker marks it alive every JOB_HEARTBEAT_SECONDS; one silent for JOB_SILENT_AFTER lost its worker
# (killed whole, machine down). Heartbeat, silence and sweep together re-queue it within 5 minutes of the death,
# and the record's page offers Retry once it is that silent.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 30)
JOB_SILENT_AFTER = timedelta(seconds=env_int("JOB_SILENT_AFTER_SECONDS", 150))
# A queued job waits its turn however long the queue is; only one queued for longer than a job may run was lost.
STUCK_JOB_AFTER = timedelta(seconds=env_int("STUCK_JOB_AFTER_SECONDS", CELERY_TASK_TIME_LIMIT + 60))
CELERY_BEAT_SCHEDULE = {
    # Every kind of job (reading records, finding events, exports) registers with common.jobs for this sweep.
    "sweep-stuck-jobs": {"task": "common.tasks.jobs_sweep", "schedule": float(env_int("JOB_SWEEP_SECONDS", 60))},
    # Archived cases whose "destroy after" day is over are destroyed (records, pages, exports, their files) by the
    # next run; `manage.py destroy_due_cases` does the same by hand.
    "destroy-due-cases": {"task": "cases.tasks.cases_destroy_due",
                          "schedule": float(env_int("CASE_DESTRUCTION_SWEEP_SECONDS", 60 * 60))},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
