"""Make the Django databases `tessera import django` is tested against, with real Django.

Run with a scratch virtualenv (outside the repository) holding Django 5.2.19, djoser 2.3.5,
djangorestframework-simplejwt 5.5.1, django-otp, argon2-cffi, bcrypt and psycopg:

    python make_django_dbs.py            # every shape: SHAPE.sqlite3, SHAPE.sql, django_facts.json
    python make_django_dbs.py plain      # only these shapes (their facts replaced, the others' kept)

Four projects (see README.md): one shaped like each note's service, a plain
`django.contrib.auth` project (`auth_user`), and one whose custom user model has a table name
of its own beside a second table that looks like a user table. Every time-dependent value
is made at NOW (Django's and SimpleJWT's clocks are pinned), so the tests can pin Tessera's
clock beside it. The PostgreSQL dumps hold the same rows (loaddata of the SQLite data into a
scratch PostgreSQL database made by Django's migrations, then pg_dump).
"""
import json, os, subprocess, sys, tempfile, textwrap, datetime as dt
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
SECRET_KEY = "django-import-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.timezone.utc)
PG_ADMIN = os.environ.get("PG_ADMIN", "host=127.0.0.1 user=postgres")
PASSWORD = "old Django pass 1"

# The Djoser shape is the reference project's user model (compat/djoser_reference).
REFERENCE_MODEL = HERE.parents[5] / "compat" / "djoser_reference" / "accounts" / "models.py"
MODELS = {
    "djoser": REFERENCE_MODEL.read_text(),
    "authapi": '''
from django.contrib.auth.models import AbstractUser
from django.db import models

class User(AbstractUser):
    email = models.EmailField(unique=True)
    two_fa_enabled = models.BooleanField(default=False)
    lang = models.CharField(max_length=2, default="en")
    nickname = models.CharField(max_length=64, blank=True)

class Service(models.Model):
    serviceName = models.CharField(max_length=64, unique=True)
    password = models.CharField(max_length=128)
''',
    # No custom user model: django.contrib.auth's own `auth_user` (e-mail neither required nor
    # unique).
    "plain": None,
    # A custom user model with a table name of its own, and closed accounts kept in a second
    # table with the same columns: which one is the user table takes --user-table.
    "members": '''
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser
from django.db import models

class Member(AbstractUser):
    email = models.EmailField(unique=True)

    class Meta:
        db_table = "members"

class FormerMember(AbstractBaseUser):
    username = models.CharField(max_length=150, unique=True)
    email = models.EmailField(unique=True)
    is_active = models.BooleanField(default=False)
    left_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "former_members"
''',
}
# The user model of each shape with a `users` app.
USER_MODEL = {"djoser": "users.User", "authapi": "users.User", "members": "users.Member"}

SETTINGS = '''
import os
SECRET_KEY = {secret!r}
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.admin", "django.contrib.messages",
    "rest_framework", "rest_framework_simplejwt", "rest_framework_simplejwt.token_blacklist",
    {extra}]
{user_model}if os.environ.get("MAKE_PG"):
    DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["MAKE_PG"],
        "HOST": "127.0.0.1", "USER": "postgres"}}}}
else:
    DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["MAKE_DB"]}}}}
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher"]
'''


def project(shape, root):
    """A minimal project: settings plus the `users` app of this shape, if it has one
    (migrations made here)."""
    extra = '"django_otp", "django_otp.plugins.otp_totp", ' if shape == "authapi" else ""
    user_model = ""
    if MODELS[shape] is not None:
        (root / "users" / "migrations").mkdir(parents=True)
        (root / "users" / "__init__.py").write_text("")
        (root / "users" / "migrations" / "__init__.py").write_text("")
        (root / "users" / "models.py").write_text(textwrap.dedent(MODELS[shape]))
        extra += '"users", '
        user_model = f"AUTH_USER_MODEL = {USER_MODEL[shape]!r}\n"
    (root / "settings.py").write_text(SETTINGS.format(secret=SECRET_KEY, extra=extra,
                                                      user_model=user_model))


def setup(root, shape):
    sys.path.insert(0, str(root))
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    import django
    django.setup()
    from django.core.management import call_command
    if MODELS[shape] is not None:
        call_command("makemigrations", "users", verbosity=0)
    call_command("migrate", verbosity=0)


def add_user(User, username, email, hasher, **fields):
    from django.contrib.auth.hashers import make_password
    u = User(username=username, email=email, date_joined=NOW - dt.timedelta(days=30), **fields)
    u.password = make_password(None) if hasher is None else make_password(PASSWORD, hasher=hasher)
    u.save()
    return u


def tokens_for(user):
    """SimpleJWT's pair, minted at NOW; an outstanding refresh and a blacklisted one."""
    from rest_framework_simplejwt.tokens import RefreshToken
    with mock.patch("rest_framework_simplejwt.tokens.aware_utcnow", return_value=NOW):
        kept = RefreshToken.for_user(user)
        dropped = RefreshToken.for_user(user)
        access = str(kept.access_token)
    dropped.blacklist()
    return {"access": access, "refresh": str(kept), "refresh_blacklisted": str(dropped)}


def links_for(user):
    """The uid and token Django mails (activation or reset), made at NOW."""
    from django.contrib.auth.tokens import default_token_generator as gen
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    with mock.patch.object(type(gen), "_now", lambda self: NOW.replace(tzinfo=None)):
        token = gen.make_token(user)
    return {"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}


def fill(shape):
    from django.contrib.auth import get_user_model
    User = get_user_model()
    facts = {"shape": shape, "secret_key": SECRET_KEY, "now": int(NOW.timestamp()),
             "password": PASSWORD, "users": {}}
    logged_in = NOW - dt.timedelta(days=1, microseconds=-123456)

    def note(u, hasher, **more):
        facts["users"][u.username] = {"id": u.pk, "email": u.email, "hasher": hasher,
            "is_active": u.is_active, "is_staff": u.is_staff, **more}

    if shape == "djoser":
        profile = dict(first_name="Ana", last_name="Soto", phone="935119585",
            address_line_1="line 1", address_line_2="line 2", city="lima", state="lima",
            postcode="40001", country="peru")
        ana = add_user(User, "ana", "ana@example.com", "pbkdf2_sha256", last_login=logged_in, **profile)
        note(ana, "pbkdf2_sha256", profile=profile, reset=links_for(ana), tokens=tokens_for(ana))
        for name, hasher in [("ben", "pbkdf2_sha1"), ("cleo", "argon2"), ("dan", "bcrypt_sha256"),
                             ("eve", "bcrypt"), ("fay", "scrypt")]:
            note(add_user(User, name, f"{name}@example.com", hasher, last_login=logged_in), hasher)
        gus = add_user(User, "gus", "gus@example.com", "pbkdf2_sha256", is_active=False)
        note(gus, "pbkdf2_sha256", activation=links_for(gus))
        hal = add_user(User, "hal", "hal@example.com", "argon2", is_staff=True, is_superuser=True)
        note(hal, "argon2", is_superuser=True)
        note(add_user(User, "ivy", "ivy@example.com", None), "unusable")
        note(add_user(User, "jo", "Jo@Example.com", "argon2"), "argon2")
        note(add_user(User, "jo2", "jo@example.com", "argon2"), "argon2",
             skipped="the address differs from user jo's only by case")
        note(add_user(User, "kim", "kim@example.com", "md5"), "md5", skipped="unknown hasher md5")
        note(add_user(User, "lou", "not-an-address", "argon2"), "argon2",
             skipped="the e-mail address does not parse")
    elif shape == "plain":
        fill_plain(User, note)
    elif shape == "members":
        facts["former_members"] = fill_members(User, note)
    else:
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from users.models import Service
        max_ = add_user(User, "max", "max@example.com", "pbkdf2_sha256", lang="fr",
                        two_fa_enabled=True, nickname="Maxou", last_login=logged_in)
        key = "3132333435363738393031323334353637383930"
        device = TOTPDevice.objects.create(user=max_, name="default", key=key, confirmed=True)
        with mock.patch("time.time", return_value=NOW.timestamp()):
            from django_otp.oath import TOTP
            t = TOTP(bytes.fromhex(key)); t.time = NOW.timestamp()
            assert device.verify_token(f"{t.token():06d}")
        device.refresh_from_db()
        note(max_, "pbkdf2_sha256", lang="fr", two_fa_enabled=True,
             totp={"key_hex": key, "last_t": device.last_t, "step": device.step})
        nia = add_user(User, "nia", "nia@example.com", "argon2", lang="es", last_login=logged_in)
        note(nia, "argon2", lang="es", tokens=tokens_for(nia))
        note(add_user(User, "oz", "oz@example.com", "scrypt", is_active=False), "scrypt")
        note(add_user(User, "pam", "pam@example.com", "bcrypt_sha256", is_staff=True), "bcrypt_sha256")
        from django.contrib.auth.hashers import make_password
        Service.objects.create(serviceName="matchmaking", password=make_password("matchmaking-secret-0123"))
        facts["service"] = {"name": "matchmaking", "secret": "matchmaking-secret-0123"}
        facts["unknown_columns"] = ["nickname"]
    return facts


def fill_plain(User, note):
    """A username-login site on `auth_user`: four accounts that carry over, then sixty that
    cannot (more than the report lists one by one): accounts without an address (Django's
    `auth_user` does not need one), `md5` hashes left from an old site, and addresses that
    are another account's too (`auth_user` does not make them unique)."""
    logged_in = NOW - dt.timedelta(days=2)
    amy = add_user(User, "amy", "amy@example.com", "pbkdf2_sha256", first_name="Amy",
                   last_name="Pond", last_login=logged_in)
    note(amy, "pbkdf2_sha256", first_name="Amy", last_name="Pond", tokens=tokens_for(amy))
    bob = add_user(User, "bob", "bob@example.com", "argon2", is_staff=True, is_superuser=True)
    note(bob, "argon2", is_superuser=True)
    cy = add_user(User, "cy", "cy@example.com", "bcrypt_sha256", is_active=False)
    note(cy, "bcrypt_sha256", activation=links_for(cy))
    dee = add_user(User, "dee", "dee@example.com", "scrypt", last_login=logged_in)
    note(dee, "scrypt", reset=links_for(dee))
    for i in range(1, 46):
        note(add_user(User, f"nomail{i:02}", "", None), "unusable", skipped="no address")
    for i in range(1, 13):
        note(add_user(User, f"legacy{i:02}", f"legacy{i:02}@example.com", "md5"), "md5",
             skipped="unknown hasher md5")
    for i in range(1, 4):
        note(add_user(User, f"twin{i}", "amy@example.com", "argon2"), "argon2",
             skipped="the address is amy's too")


def fill_members(User, note):
    """Members in `members`; closed accounts in `former_members` (their addresses returned),
    never to be imported."""
    from users.models import FormerMember
    mia = add_user(User, "mia", "mia@example.com", "pbkdf2_sha256", first_name="Mia")
    note(mia, "pbkdf2_sha256", tokens=tokens_for(mia))
    note(add_user(User, "ned", "ned@example.com", "argon2", is_staff=True), "argon2")
    from django.contrib.auth.hashers import make_password
    for name in ["olga", "pete"]:
        FormerMember.objects.create(username=name, email=f"{name}@example.com",
                                    password=make_password(PASSWORD, hasher="argon2"),
                                    left_at=NOW - dt.timedelta(days=3))
    return [f"{name}@example.com" for name in ["olga", "pete"]]


def child(shape, root, db):
    project(shape, root)
    os.environ["MAKE_DB"] = str(db)
    setup(root, shape)
    facts = fill(shape)
    from django.core.management import call_command
    with open(root / "data.json", "w") as f:
        call_command("dumpdata", "--natural-foreign", "-e", "contenttypes", "-e", "auth.permission",
                     "-e", "admin.logentry", "-e", "sessions", stdout=f)
    (root / "facts.json").write_text(json.dumps(facts, indent=1))


def child_pg(shape, root, name):
    """The same rows in PostgreSQL: Django's migrations, then loaddata of the SQLite rows."""
    os.environ["MAKE_PG"] = name
    setup(root, shape)
    from django.core.management import call_command
    call_command("loaddata", str(root / "data.json"), verbosity=0)


def main():
    if sys.argv[1:2] == ["--child"]:
        shape, root, target, kind = sys.argv[2], Path(sys.argv[3]), sys.argv[4], sys.argv[5]
        return child(shape, root, Path(target)) if kind == "sqlite" else child_pg(shape, root, target)
    shapes = sys.argv[1:] or list(MODELS)
    unknown = [s for s in shapes if s not in MODELS]
    if unknown:
        sys.exit(f"no such shape: {', '.join(unknown)} (shapes: {', '.join(MODELS)})")
    facts_file = HERE / "django_facts.json"
    all_facts = json.loads(facts_file.read_text()) if facts_file.exists() else {}
    for shape in shapes:
        db = HERE / f"{shape}.sqlite3"
        db.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            subprocess.run([sys.executable, __file__, "--child", shape, tmp, str(db), "sqlite"],
                           check=True)
            subprocess.run(["sqlite3", str(db), "VACUUM"], check=True)
            name = f"django_import_make_{shape}"
            psql = lambda sql: subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True)
            psql(f"DROP DATABASE IF EXISTS {name}")
            psql(f"CREATE DATABASE {name}")
            subprocess.run([sys.executable, __file__, "--child", shape, tmp, name, "pg"], check=True)
            dump = subprocess.run(["pg_dump", f"{PG_ADMIN} dbname={name}", "--no-owner",
                "--no-privileges", "--inserts", "--no-comments"], check=True, capture_output=True, text=True)
            # Plain SQL only: pg_dump's psql meta-commands (`\\restrict`) are left out.
            sql = "".join(l for l in dump.stdout.splitlines(True) if not l.startswith("\\"))
            (HERE / f"{shape}.sql").write_text(sql)
            psql(f"DROP DATABASE {name}")
            all_facts[shape] = json.loads((root / "facts.json").read_text())
    all_facts = {shape: all_facts[shape] for shape in MODELS if shape in all_facts}
    facts_file.write_text(json.dumps(all_facts, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
