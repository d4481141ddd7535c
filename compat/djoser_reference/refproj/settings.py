"""Reference Djoser 2.3.5 + SimpleJWT 5.5.1 project that Tessera's Djoser dialect reimplements.

Same configuration as the recorded reference (see compat/README.md). Everything that differs
between runs comes from the environment:

  DJREF_DB            sqlite file (default: ./db.sqlite3 beside manage.py)
  DJREF_MAIL          directory for the filebased e-mail backend (one .log file per send)
  DJREF_DEBUG=1       DEBUG=True (default False, as recorded)
  DJREF_ROTATE=1      ROTATE_REFRESH_TOKENS + BLACKLIST_AFTER_ROTATION
  DJREF_FRONTEND_DOMAIN / DJREF_FRONTEND_PROTOCOL / DJREF_SITE_NAME
                      the frontend that mailed links point at (Djoser's EMAIL_FRONTEND_*);
                      defaults localhost:3000 / http / Tessera, matching Tessera's
                      TESSERA_FRONTEND_URL=http://localhost:3000. Set DJREF_FRONTEND_DOMAIN=""
                      to fall back to the request's Host header as in the original recording.
                      Only the text of mails depends on this, never an HTTP answer.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "tessera-reference-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = os.environ.get("DJREF_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "rest_framework", "djoser", "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist", "accounts",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "refproj.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages"]},
}]
WSGI_APPLICATION = "refproj.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ.get("DJREF_DB", str(BASE_DIR / "db.sqlite3"))}}
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Filebased backend: the comparison script reads the mails from this directory.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("DJREF_MAIL", str(BASE_DIR / "mail"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ("rest_framework_simplejwt.authentication.JWTAuthentication",),
}
SIMPLE_JWT = {}
if os.environ.get("DJREF_ROTATE") == "1":
    SIMPLE_JWT = {"ROTATE_REFRESH_TOKENS": True, "BLACKLIST_AFTER_ROTATION": True}
DJOSER = {
    "LOGIN_FIELD": "email",
    "SEND_ACTIVATION_EMAIL": True,
    "ACTIVATION_URL": "activate/{uid}/{token}",
    "PASSWORD_RESET_CONFIRM_URL": "password/reset/confirm/{uid}/{token}",
    "USERNAME_RESET_CONFIRM_URL": "email/reset/confirm/{uid}/{token}",
    "PASSWORD_RESET_SHOW_EMAIL_NOT_FOUND": True,
    "TOKEN_MODEL": None,
    "SERIALIZERS": {
        "user": "accounts.serializers.UserSerializer",
        "current_user": "accounts.serializers.CurrentUserSerializer",
    },
    # The frontend that mailed links point at (None/"" = the request's Host, Djoser's default).
    "EMAIL_FRONTEND_DOMAIN": os.environ.get("DJREF_FRONTEND_DOMAIN", "localhost:3000") or None,
    "EMAIL_FRONTEND_PROTOCOL": os.environ.get("DJREF_FRONTEND_PROTOCOL", "http") or None,
    "EMAIL_FRONTEND_SITE_NAME": os.environ.get("DJREF_SITE_NAME", "Tessera") or None,
}
LOGGING = {
    "version": 1, "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
