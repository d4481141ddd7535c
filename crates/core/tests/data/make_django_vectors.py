import os, sys, json, base64, datetime as dt
sys.path.insert(0, "/work/djref/refproj")
os.environ["DJANGO_SETTINGS_MODULE"] = "refproj.settings"
os.environ["DJREF_DB"] = "/work/djref/db_vectors.sqlite3"
if os.path.exists(os.environ["DJREF_DB"]): os.remove(os.environ["DJREF_DB"])
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.contrib.auth.hashers import (PBKDF2PasswordHasher, Argon2PasswordHasher, check_password, make_password, identify_hasher)
from django.utils.http import urlsafe_base64_encode, int_to_base36
from django.utils.encoding import force_bytes
from django.utils.crypto import salted_hmac
from django.utils import timezone
from accounts.models import User
from rest_framework_simplejwt.tokens import RefreshToken, AccessToken
import jwt as pyjwt

SECRET = settings.SECRET_KEY
out = {"secret_key": SECRET, "django_version": django.get_version()}

# ---------------- reset tokens
gen = PasswordResetTokenGenerator()
cases = [
    dict(pk=1, password="pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$3wDN3Y1kKfNQ4yqK1q5h7b2n9QfH0x8cYc5fS6b8v2E=", last_login=None, email="alice@example.com", ts=0),
    dict(pk=1, password="pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$3wDN3Y1kKfNQ4yqK1q5h7b2n9QfH0x8cYc5fS6b8v2E=", last_login=None, email="alice@example.com", ts=35),
    dict(pk=1, password="pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$3wDN3Y1kKfNQ4yqK1q5h7b2n9QfH0x8cYc5fS6b8v2E=", last_login=None, email="alice@example.com", ts=36),
    dict(pk=18, password="pbkdf2_sha256$1000000$saltsaltsaltsaltsalt12$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=", last_login=dt.datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=dt.timezone.utc), email="bob@example.com", ts=780000000),
    dict(pk=20, password="argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1l", last_login=dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc), email="carol@example.com", ts=788918400),
    dict(pk=255, password="!unusablepasswordXYZ", last_login=None, email="", ts=788918400),
    dict(pk=1000000, password="pbkdf2_sha256$1000$s4lt$aGFzaA==", last_login=dt.datetime(2026, 1, 1, 0, 0, 0, 999999, tzinfo=dt.timezone.utc), email="ñandú@exämple.com", ts=2176782335),
    dict(pk=42, password="pbkdf2_sha256$1000000$xyz$abc", last_login=dt.datetime(2023, 7, 4, 9, 5, 3, tzinfo=dt.timezone(dt.timedelta(hours=2))), email="dave@example.com", ts=744000000, note="aware non-UTC last_login: Django does replace(tzinfo=None) WITHOUT converting -> wall time 09:05:03 is used (in practice DB returns UTC datetimes)"),
    dict(pk=7, password="pbkdf2_sha256$1000000$abc$def", last_login=None, email="Mixed.Case@Example.com", ts=1),
]
rt = []
for c in cases:
    u = User(pk=c["pk"], password=c["password"], last_login=c["last_login"], email=c["email"])
    hv = gen._make_hash_value(u, c["ts"])
    tok = gen._make_token_with_timestamp(u, c["ts"], SECRET)
    full_hex = salted_hmac(gen.key_salt, hv, secret=SECRET, algorithm="sha256").hexdigest()
    ll = c["last_login"]
    rt.append({
        "secret": SECRET, "key_salt": gen.key_salt, "algorithm": gen.algorithm,
        "pk": c["pk"], "password_hash": c["password"],
        "last_login_datetime": None if ll is None else ll.isoformat(),
        "last_login_in_hash": "" if ll is None else str(ll.replace(microsecond=0, tzinfo=None)),
        "email": c["email"], "timestamp": c["ts"], "timestamp_base36": int_to_base36(c["ts"]),
        "hash_value": hv, "hmac_sha256_full_hex": full_hex, "hash_part": full_hex[::2],
        "token": tok, **({"note": c["note"]} if "note" in c else {}),
    })
out["reset_tokens"] = rt
out["reset_token_algorithm"] = {
    "hash_value": "f'{user.pk}{user.password}{login_timestamp}{timestamp}{email}' ; login_timestamp = '' if last_login is None else str(last_login.replace(microsecond=0, tzinfo=None)) i.e. 'YYYY-MM-DD HH:MM:SS' (naive, no tz, no microseconds); email = user.email or ''",
    "key": "sha256(b'django.contrib.auth.tokens.PasswordResetTokenGenerator' + SECRET_KEY_bytes).digest()  (salted_hmac)",
    "mac": "HMAC-SHA256(key, hash_value utf-8).hexdigest()[::2]  -> 32 hex chars (every other char of the 64)",
    "token": "int_to_base36(timestamp) + '-' + mac",
    "timestamp": "int((datetime.now() - datetime(2001,1,1)).total_seconds()) with naive datetime.now() (process local time; Django sets TZ=TIME_ZONE='UTC' so it is UTC)",
    "check": "token.split('-') must give exactly 2 parts; base36_to_int(ts) (rejects >13 chars); constant-time compare against _make_token_with_timestamp for SECRET_KEY and SECRET_KEY_FALLBACKS; then invalid if now_ts - ts > PASSWORD_RESET_TIMEOUT (259200 = 3 days)",
    "PASSWORD_RESET_TIMEOUT": settings.PASSWORD_RESET_TIMEOUT,
}
# sanity: check_token works for a fresh token
u = User(pk=5, password="x", last_login=None, email="a@b.c")
t = default_token_generator.make_token(u)
assert default_token_generator.check_token(u, t)
out["uids"] = {str(pk): urlsafe_base64_encode(force_bytes(pk)) for pk in [1, 18, 20, 255, 1000000, 0, 9, 10, 12345]}

# ---------------- password hashes
ph = []
pb = PBKDF2PasswordHasher()
ar = Argon2PasswordHasher()
for pw, wrong in [("passwordS.-", "passwordS.- "), ("correct horse", "Correct horse"), ("ñandú-Ünïcode", "nandu-Unicode"), ("", "x")]:
    salt = pb.salt()
    e_def = pb.encode(pw, salt)
    e_1k = pb.encode(pw, "fixedSalt1234567890abc", iterations=1000)
    e_ar = ar.encode(pw, ar.salt())
    for enc, kind in [(e_def, "pbkdf2_sha256 default iterations"), (e_1k, "pbkdf2_sha256 1000 iterations"), (e_ar, "argon2 (Argon2PasswordHasher)")]:
        ok = check_password(pw, enc)
        bad = check_password(wrong, enc)
        assert ok and not bad, (pw, kind)
        ph.append({"kind": kind, "password": pw, "encoded": enc, "check_password": ok, "wrong_password": wrong, "wrong_check_password": bad})
out["password_hashes"] = ph
out["password_hash_notes"] = {
    "pbkdf2_default_iterations": pb.iterations,
    "pbkdf2_format": "pbkdf2_sha256$<iterations>$<salt>$<base64(std, padded) of PBKDF2-HMAC-SHA256 dklen=32>",
    "pbkdf2_salt": "22 chars from [a-zA-Z0-9] (salt_entropy 128 bits)",
    "argon2_params": {"time_cost": ar.time_cost, "memory_cost": ar.memory_cost, "parallelism": ar.parallelism, "variant": "argon2id", "stored_format": "argon2$argon2id$v=19$m=102400,t=2,p=8$<b64 salt nopad>$<b64 hash nopad>  (Django prefixes 'argon2' to the PHC string)"},
    "empty_password_note": "make_password('') works; Djoser rejects blank password at the serializer level",
    "default_PASSWORD_HASHERS": settings.PASSWORD_HASHERS,
}
out["password_hashes_make_password_default"] = make_password("passwordS.-")

# ---------------- jwt
class U: pass
usr = User(pk=18, email="bob@example.com", username="bob"); usr.set_password("x"); usr.save()
r = RefreshToken.for_user(usr)
a = r.access_token
live = {"refresh": str(r), "access": str(a)}
def dec(t):
    return {"header": pyjwt.get_unverified_header(t), "payload": pyjwt.decode(t, options={"verify_signature": False})}
# deterministic ones (exp far in the future)
fixed_iat = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc)
r2 = RefreshToken.for_user(usr)
r2.set_exp(from_time=fixed_iat, lifetime=dt.timedelta(days=365 * 74))
r2.set_iat(at_time=fixed_iat)
r2["jti"] = "0123456789abcdef0123456789abcdef"
a2 = AccessToken.for_user(usr)
a2.set_exp(from_time=fixed_iat, lifetime=dt.timedelta(days=365 * 74))
a2.set_iat(at_time=fixed_iat)
a2["jti"] = "fedcba9876543210fedcba9876543210"
out["jwt"] = {
    "signing_key": SECRET, "algorithm": "HS256",
    "note": "minted by SimpleJWT 5.5.1 (RefreshToken.for_user / .access_token). 'live' tokens expire (5 min / 1 day); 'fixed' tokens have exp in 2099 with fixed jti/iat, built by the same classes (payload key order preserved).",
    "live": {"refresh": str(r), "refresh_decoded": dec(str(r)), "access": str(a), "access_decoded": dec(str(a))},
    "fixed": {"refresh": str(r2), "refresh_decoded": dec(str(r2)), "access": str(a2), "access_decoded": dec(str(a2))},
    "raw_segments_example": {
        "header_json": base64.urlsafe_b64decode(str(r2).split(".")[0] + "==").decode(),
        "payload_json": base64.urlsafe_b64decode(str(r2).split(".")[1] + "==").decode(),
    },
}
# verify with simplejwt it's accepted
RefreshToken(str(r2)); AccessToken(str(a2))

# ---------------- validators (run Django's validators directly)
from django.contrib.auth.password_validation import validate_password, get_default_password_validators
from django.core.exceptions import ValidationError
vu = User(username="johnsmithers", email="marguerite.lafontaine@example.com", first_name="Jean", last_name="Valjean")
vcases = ["johnsmithers", "johnsmithers1", "smithers123", "marguerite!", "lafontaine", "example.com", "marguerite.lafontaine@example.com",
          "Valjean-24601", "jean", "password", "PASSWORD", " password ", "Password1", "12345678", "1234567", "٣٤٥٦٧٨٩٠١", "abc", "Tr0ub4dor&3", "correct horse battery staple", "x" * 200]
vres = []
for p in vcases:
    try:
        validate_password(p, vu); vres.append({"password": p, "errors": []})
    except ValidationError as e:
        vres.append({"password": p, "errors": [{"code": x.code, "message": str(x.message % (x.params or {}))} for x in e.error_list]})
out["validator_cases"] = {"user": {"username": vu.username, "email": vu.email, "first_name": vu.first_name, "last_name": vu.last_name}, "results": vres}

json.dump(out, open("/work/djref/vectors.json", "w"), indent=2, ensure_ascii=False)
print("ok")
