#!/usr/bin/env python3
"""Side-by-side comparison of Tessera's Djoser dialect with the real Djoser 2.3.5 + SimpleJWT 5.5.1.

Runs ONE scripted scenario against the reference (compat/djoser_reference, Django runserver) and
against Tessera, each on a fresh SQLite database, and compares every step:

  * the status code (and Location for redirects),
  * the body's shape: the set of top-level JSON field names, or the JSON type when the body is not
    an object (a list: its element type, and the element field names for a list of objects), or
    "empty" / "non-JSON <content-type>",
  * for token fields (access/refresh): the decoded JWT claim names and their JSON types,
  * the values: error messages exactly, other JSON values after normalisation (ids, tokens, the
    server's own base URL and Python's JSON-parser wording are masked),
  * the mails the step caused (kind, recipient, subject, link origin), read from the reference's
    filebased backend and Tessera's `file` backend.

Run by hand (not in CI), with the Python of a venv made from compat/requirements.txt:

    venv/bin/python compat/compare.py --tessera-bin "$CARGO_TARGET_DIR/debug/tessera"

Both servers are started on free ports by default and stopped at the end. Either one can instead
be an already running server: --ref-url/--ref-mail-dir/--ref-db, --tessera-url/--tessera-mail-dir/
--tessera-db (the sqlite files are needed to make a user staff and to deactivate one, as the
reference recording did through the ORM; both servers must share --secret-key).

Known deliberate differences are listed in EXPECTED below with their reason; a step only counts as
"expected" when the difference is the one described. Exit status: 0 when no unexpected difference.
"""
import argparse
import base64
import email
import email.utils
import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from email import policy

try:
    import requests
except ImportError:  # pragma: no cover
    sys.exit("compare.py needs `requests`: run it with the venv made from compat/requirements.txt")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
REF_PROJECT = os.path.join(HERE, "djoser_reference")
REF_SECRET = "tessera-reference-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
PW = "Sup3r-Secret-pw!"
PW2 = "An0ther-Secret-pw"
PW3 = "Yet-An0ther-pw"

# --------------------------------------------------------------------------------------------
# Deliberate differences. key: step name -> (letter, reason, predicate(ref, tessera) that must
# hold for the difference to count as the expected one).
# --------------------------------------------------------------------------------------------
R_A = ("a", "e-mails are unique and matched case-insensitively in Tessera; the reference treats "
            "Ann@x.io and ann@x.io as two accounts (exact-match UniqueValidator / lookups)")
R_B = ("b", "refreshing a deleted user's token: reference 500 (uncaught User.DoesNotExist), Tessera 401")
R_C = ("c", "reset_password/reset_email with an unknown address: reference 400 bare list, "
            "Tessera 204 (no account enumeration)")
R_D = ("d", "reset_password for an inactive account: reference 400, Tessera 204 and no mail")
R_E = ("e", "unknown paths: reference Django HTML 404, Tessera JSON 404")
R_F = ("f", "HIDE_USERS detail for a non-existent id: reference 'No User matches the given query.', "
            "Tessera 'Not found.' for any id that is not the caller's (ids cannot be probed)")

R_G = ("g", "setting set_email to the address one already has: reference 400 'already exists', "
            "Tessera 204 (nothing to change)")


def _st(r, t, rs, ts):
    return r.status == rs and t.status == ts


EXPECTED = {
    # (a) case-insensitive e-mails
    "register duplicate email different case": R_A + (
        lambda r, t: _st(r, t, 201, 400) and t.shape == "{email}" and r.mail and not t.mail,),
    "register duplicate email domain case": R_A + (
        # reference: passes the exact-match UniqueValidator, then IntegrityError after create_user
        # lowercases the domain -> bare list ["Unable to create account."]; Tessera: the same
        # duplicate seen by its case-insensitive check -> ordinary field error.
        lambda r, t: _st(r, t, 400, 400) and r.shape == "list[str]" and t.shape == "{email}",),
    "jwt/create email different case": R_A + (lambda r, t: _st(r, t, 401, 200),),
    "confirm-activation different case": R_A + (
        # reference finds the separate inactive ALICE@ account, Tessera finds alice@ (active)
        lambda r, t: _st(r, t, 200, 200) and r.shape == t.shape,),
    "reset_password email different case": R_A + (
        # reference: ALICE@ is a separate inactive account -> 400 bare list; Tessera: alice@ -> 204 + mail
        lambda r, t: _st(r, t, 400, 204) and r.shape == "list[str]",),
    # (b)
    "jwt/refresh deleted user's refresh": R_B + (lambda r, t: _st(r, t, 500, 401),),
    # (c)
    "reset_password unknown": R_C + (lambda r, t: _st(r, t, 400, 204) and not t.mail,),
    "reset_email unknown": R_C + (lambda r, t: _st(r, t, 400, 204) and not t.mail,),
    # (d)
    "reset_password inactive user": R_D + (lambda r, t: _st(r, t, 400, 204) and not t.mail,),
    # (e)
    "unknown path": R_E + (lambda r, t: _st(r, t, 404, 404) and t.shape == "{detail}",),
    "unknown path no slash": R_E + (lambda r, t: _st(r, t, 404, 404) and t.shape == "{detail}",),
    # (g)
    "set_email to own current email": R_G + (lambda r, t: _st(r, t, 400, 204),),
    # (f)
    "GET users/<nonexistent id>/ non-staff": R_F + (
        lambda r, t: _st(r, t, 404, 404) and t.body == {"detail": "Not found."},),
}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def mint(payload, key=None, alg="HS256"):
    """A SimpleJWT-style token signed like PyJWT does (compact JSON, header keys sorted)."""
    key = REF_SECRET if key is None else key
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":"), sort_keys=True).encode())
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}".encode()
    if alg == "none":
        return f"{header}.{body}."
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    return f"{header}.{body}.{b64url(hmac.new(key.encode(), signing_input, digest).digest())}"


def jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list):
        return "list"
    return "object"


def claims_sig(token):
    try:
        header, payload, _ = token.split(".")
        h = json.loads(b64url_decode(header))
        p = json.loads(b64url_decode(payload))
    except Exception:
        return "<not a JWT>"
    # (g) Tessera's user tokens also carry `username` (the Auth API dialect's consuming services
    # identify users by it, and a pair from either dialect works in both); SimpleJWT clients
    # ignore claims they do not know. It is left out of the comparison, deliberately.
    p.pop("username", None)
    claims = ",".join(f"{k}:{jtype(v)}" for k, v in sorted(p.items()))
    extra = []
    if p.get("token_type"):
        extra.append(f"token_type={p['token_type']}")
    if isinstance(p.get("exp"), int) and isinstance(p.get("iat"), int):
        # rounded: SimpleJWT computes a refreshed access token's exp and iat from two clock
        # readings, so 299 and 300 both occur
        extra.append(f"lifetime~{round((p['exp'] - p['iat']) / 10) * 10}")
    if isinstance(p.get("jti"), str):
        extra.append("jti=hex32" if re.fullmatch(r"[0-9a-f]{32}", p["jti"]) else f"jti=~{len(p['jti'])}ch")
    return f"alg={h.get('alg')} [{claims}] " + " ".join(extra)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            sys.exit(f"{what} exited with status {proc.returncode} during start-up (see its log)")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    sys.exit(f"{what} did not answer at {url} within {timeout}s")


# --------------------------------------------------------------------------------------------
# mail reading: reference = Django filebased backend (*.log, messages separated by 79 dashes),
# Tessera = lettre file transport (one *.eml per message, written by the outbox worker).
# --------------------------------------------------------------------------------------------
LINK_RE = re.compile(r"(https?://[^/\s\"<>]+)/(activate|password/reset/confirm|email/reset/confirm)/([^/\s\"<>]+)/([^/\s\"<>]+)")
KIND = {"activate": "activation", "password/reset/confirm": "password_reset", "email/reset/confirm": "email_reset"}


def parse_message(raw):
    m = email.message_from_string(raw.lstrip("\n"), policy=policy.default)
    text = ""
    if m.is_multipart():
        for part in m.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_content()
                break
    else:
        text = m.get_content()
    to = email.utils.parseaddr(str(m["To"] or ""))[1]
    link = LINK_RE.search(text)
    return {
        "to": to,
        "subject": str(m["Subject"] or ""),
        "kind": KIND[link.group(2)] if link else "other",
        "origin": link.group(1) if link else None,
        "uid": link.group(3) if link else None,
        "token": link.group(4) if link else None,
    }


class MailBox:
    def __init__(self, directory, kind):
        self.dir = directory
        self.kind = kind  # "ref" | "tessera"
        self.seen = set()

    def _files(self):
        pat = "*.log" if self.kind == "ref" else "*.eml"
        return sorted(glob.glob(os.path.join(self.dir, pat)), key=lambda f: (os.path.getmtime(f), f))

    def _read(self, fn):
        raw = open(fn, encoding="utf-8", errors="replace").read()
        if self.kind == "ref":
            chunks = [c for c in raw.split("-" * 79) if c.strip()]
        else:
            chunks = [raw]
        return [parse_message(c) for c in chunks]

    def collect(self, wait, want=1):
        """New messages since the last call; waits up to `wait` s for `want` of them."""
        out = []
        end = time.time() + wait
        while True:
            for fn in self._files():
                if fn in self.seen:
                    continue
                try:
                    if time.time() - os.path.getmtime(fn) < 0.15 and time.time() < end:
                        continue  # may still be being written
                    msgs = self._read(fn)
                except (OSError, UnicodeError):
                    continue
                self.seen.add(fn)
                out.extend(msgs)
            if len(out) >= want or time.time() >= end:
                return out
            time.sleep(0.1)


# --------------------------------------------------------------------------------------------
# one server under test
# --------------------------------------------------------------------------------------------
class Result:
    def __init__(self, name, method, path):
        self.name, self.method, self.path = name, method, path
        self.status = None
        self.ctype = ""
        self.location = None
        self.body = None
        self.is_json = False
        self.text = ""
        self.mail = []
        self.stray = []
        self.shape = ""
        self.claims = {}
        self.values = None

    def j(self, key, default="<missing>"):
        return self.body.get(key, default) if isinstance(self.body, dict) else default


class Side:
    def __init__(self, label, base, mail_dir, db, kind, mail_wait):
        self.label, self.base, self.kind = label, base.rstrip("/"), kind
        self.mailbox = MailBox(mail_dir, kind)
        self.db = db
        self.mail_wait = mail_wait
        self.results = {}
        self.order = []
        self.http = requests.Session()

    # -- direct database edits (the reference recording did these through the ORM) --
    def sql_user(self, email_, **cols):
        if not self.db:
            return False
        table = "accounts_user" if self.kind == "ref" else "users"
        sets = ", ".join(f"{k} = ?" for k in cols)
        con = sqlite3.connect(self.db, timeout=10)
        try:
            con.execute(f"UPDATE {table} SET {sets} WHERE email = ?", [int(v) for v in cols.values()] + [email_])
            con.commit()
        finally:
            con.close()
        return True

    def step(self, name, method, path, json_body=None, data=None, raw=None, files=None,
             headers=None, mail=False, mail_count=1):
        assert name not in self.results, f"duplicate step name {name!r}"
        stray = self.mailbox.collect(0)
        r = Result(name, method, path)
        r.stray = stray
        kw = dict(headers=dict(headers or {}), allow_redirects=False, timeout=30)
        if json_body is not None:
            kw["json"] = json_body
        elif data is not None:
            kw["data"] = data
        elif raw is not None:
            kw["data"] = raw.encode() if isinstance(raw, str) else raw
        elif files is not None:
            kw["files"] = files
        try:
            resp = self.http.request(method, self.base + path, **kw)
            r.status = resp.status_code
            r.ctype = resp.headers.get("Content-Type", "")
            r.location = resp.headers.get("Location")
            r.text = resp.text
            if resp.content:
                try:
                    r.body = resp.json()
                    r.is_json = True
                except ValueError:
                    r.body = None
        except requests.RequestException as e:
            r.status = f"EXC {type(e).__name__}"
        if mail:
            r.mail = self.mailbox.collect(self.mail_wait, want=mail_count)
        analyse(r, self.base)
        self.results[name] = r
        self.order.append(name)
        return r


def shape_of(r):
    if not isinstance(r.status, int):
        return "-"
    if r.is_json:
        b = r.body
        if isinstance(b, dict):
            return "{" + ",".join(sorted(b)) + "}"
        if isinstance(b, list):
            kinds = sorted({jtype(x) for x in b})
            s = "list[" + "|".join(kinds) + "]" if kinds else "list[]"
            keys = sorted({k for x in b if isinstance(x, dict) for k in x})
            return s + ("{" + ",".join(keys) + "}" if keys else "")
        return jtype(b)
    if not r.text:
        return "empty"
    return "non-JSON " + (r.ctype.split(";")[0] or "?")


def normalise(v, base, key=None):
    if isinstance(v, dict):
        return {k: normalise(x, base, k) for k, x in v.items()}
    if isinstance(v, list):
        return [normalise(x, base) for x in v]
    if key == "id" and isinstance(v, int):
        return "<id>"
    if key in ("access", "refresh") and isinstance(v, str):
        return "<jwt>"
    if isinstance(v, str):
        v = v.replace(base, "<base>")
        if v.startswith("JSON parse error - "):
            return "JSON parse error - <parser message>"
    return v


def analyse(r, base):
    r.shape = shape_of(r)
    if r.is_json and isinstance(r.body, dict):
        for k in ("access", "refresh"):
            if isinstance(r.body.get(k), str):
                r.claims[k] = claims_sig(r.body[k])
    r.values = normalise(r.body, base) if r.is_json else None


def mail_sig(msgs):
    return sorted(f"{m['kind']} to={m['to']} subject={m['subject']!r} origin={m['origin']}" for m in msgs)


def compare(ref, tes):
    """list of (aspect, ref, tessera) that differ"""
    d = []
    if ref.status != tes.status:
        d.append(("status", ref.status, tes.status))
    if ref.location != tes.location:
        d.append(("Location", ref.location, tes.location))
    if ref.shape != tes.shape:
        d.append(("shape", ref.shape, tes.shape))
    if ref.claims != tes.claims:
        d.append(("claims", ref.claims, tes.claims))
    # values: objects and lists of scalars (bare error lists); a list of user objects depends on
    # which accounts exist, which earlier (expected) differences change, so only its shape counts
    objects_list = isinstance(ref.body, list) and any(isinstance(x, dict) for x in ref.body)
    if ref.shape == tes.shape and not objects_list and ref.values != tes.values:
        d.append(("values", ref.values, tes.values))
    if mail_sig(ref.mail) != mail_sig(tes.mail):
        d.append(("mail", mail_sig(ref.mail), mail_sig(tes.mail)))
    if mail_sig(ref.stray) != mail_sig(tes.stray):
        d.append(("stray mail (sent by an earlier step, arrived before this one)",
                  mail_sig(ref.stray), mail_sig(tes.stray)))
    return d


# --------------------------------------------------------------------------------------------
# THE scenario (run once per side; each side keeps its own ids, tokens and mailed links)
# --------------------------------------------------------------------------------------------
def bearer(tok):
    return {"Authorization": f"Bearer {tok}"}


def now():
    return int(time.time())


def scenario(s):
    J = {"Content-Type": "application/json"}
    link = {}

    def mailed(r, kind):
        for m in reversed(r.mail):
            if m["kind"] == kind and m["uid"]:
                return m["uid"], m["token"]
        return "missing", "missing-token"

    def login(email_, pw=PW):
        try:
            return s.http.post(s.base + "/auth/jwt/create/", json={"email": email_, "password": pw}, timeout=30).json()
        except Exception:
            return {}

    # ------------------------------------------------------------------ registration
    s.step("api root", "GET", "/auth/")
    reg = s.step("register ok", "POST", "/auth/users/",
                 json_body={"email": "alice@example.com", "username": "alice", "password": PW}, mail=True)
    alice_id = reg.j("id", 0)
    link["alice"] = mailed(reg, "activation")
    s.step("register duplicate email", "POST", "/auth/users/",
           json_body={"email": "alice@example.com", "username": "alice2", "password": PW})
    s.step("register duplicate username", "POST", "/auth/users/",
           json_body={"email": "alice2@example.com", "username": "alice", "password": PW})
    s.step("register duplicate both", "POST", "/auth/users/",
           json_body={"email": "alice@example.com", "username": "alice", "password": PW})
    s.step("register duplicate email different case", "POST", "/auth/users/",
           json_body={"email": "ALICE@example.com", "username": "alice3", "password": PW}, mail=True)
    s.step("register duplicate email domain case", "POST", "/auth/users/",
           json_body={"email": "alice@EXAMPLE.com", "username": "alice4", "password": PW})
    s.step("register missing all fields", "POST", "/auth/users/", json_body={})
    s.step("register missing password", "POST", "/auth/users/", json_body={"email": "x1@example.com", "username": "x1"})
    s.step("register empty strings", "POST", "/auth/users/", json_body={"email": "", "username": "", "password": ""})
    s.step("register null values", "POST", "/auth/users/", json_body={"email": None, "username": None, "password": None})
    s.step("register bad email", "POST", "/auth/users/", json_body={"email": "not-an-email", "username": "x2", "password": PW})
    s.step("register bad email + short password", "POST", "/auth/users/",
           json_body={"email": "not-an-email", "username": "x2", "password": "a"})
    s.step("register password short+common+numeric", "POST", "/auth/users/",
           json_body={"email": "x5@example.com", "username": "x5", "password": "123456"})
    s.step("register password too common (case-insensitive)", "POST", "/auth/users/",
           json_body={"email": "x4@example.com", "username": "x4", "password": "PassWord1"})
    s.step("register password similar to username", "POST", "/auth/users/",
           json_body={"email": "x7@example.com", "username": "johnsmithers", "password": "johnsmithers1"})
    s.step("register password similar to email", "POST", "/auth/users/",
           json_body={"email": "marguerite.lafontaine@example.com", "username": "x8", "password": "marguerite!"})
    s.step("register invalid username chars", "POST", "/auth/users/",
           json_body={"email": "x10@example.com", "username": "bad name!", "password": PW})
    s.step("register username 151 chars", "POST", "/auth/users/",
           json_body={"email": "x11@example.com", "username": "u" * 151, "password": PW})
    s.step("register email too long (255)", "POST", "/auth/users/",
           json_body={"email": "a" * 243 + "@example.com", "username": "x13", "password": PW})
    s.step("register numeric username (JSON number)", "POST", "/auth/users/",
           json_body={"email": "x14@example.com", "username": 12345, "password": PW}, mail=True)
    s.step("register extra fields ignored", "POST", "/auth/users/",
           json_body={"email": "x15@example.com", "username": "x15", "password": PW, "is_staff": True,
                      "first_name": "Fif", "phone": "123"}, mail=True)
    s.step("register email domain lower-cased", "POST", "/auth/users/",
           json_body={"email": "Carol.Mixed@EXAMPLE.COM", "username": "carolmixed", "password": PW}, mail=True)
    s.step("register form-encoded", "POST", "/auth/users/",
           data={"email": "form@example.com", "username": "formuser", "password": PW}, mail=True)
    s.step("register multipart/form-data", "POST", "/auth/users/",
           files={"email": (None, "multi@example.com"), "username": (None, "multiuser"), "password": (None, PW)},
           mail=True)
    s.step("register no trailing slash (301)", "POST", "/auth/users",
           json_body={"email": "ns@example.com", "username": "ns", "password": PW})
    s.step("register JSON array body", "POST", "/auth/users/", json_body=[1, 2])
    s.step("register malformed JSON", "POST", "/auth/users/", raw='{"email": "x@example.com",', headers=J)
    s.step("register empty body JSON content-type", "POST", "/auth/users/", raw="", headers=J)
    s.step("register text/plain (415)", "POST", "/auth/users/", raw="email=x", headers={"Content-Type": "text/plain"})
    s.step("register no content-type (415)", "POST", "/auth/users/", raw='{"a":1}', headers={"Content-Type": ""})
    s.step("PUT users/ anon (401 before 405)", "PUT", "/auth/users/", json_body={})
    s.step("DELETE users/ anon", "DELETE", "/auth/users/")
    s.step("GET users/ anon", "GET", "/auth/users/")
    s.step("OPTIONS users/ anon (CORS preflight style)", "OPTIONS", "/auth/users/")

    # ------------------------------------------------------------------ confirm-activation polling
    s.step("confirm-activation poll: inactive", "GET", "/auth/user/confirm-activation/alice@example.com")
    s.step("confirm-activation unknown", "GET", "/auth/user/confirm-activation/nobody@example.com")
    s.step("confirm-activation trailing slash", "GET", "/auth/user/confirm-activation/alice@example.com/")
    s.step("confirm-activation POST (405)", "POST", "/auth/user/confirm-activation/alice@example.com", json_body={})
    s.step("jwt/create inactive user", "POST", "/auth/jwt/create/", json_body={"email": "alice@example.com", "password": PW})

    # ------------------------------------------------------------------ activation via the mailed link
    uid, tok = link["alice"]
    s.step("activation missing fields", "POST", "/auth/users/activation/", json_body={})
    s.step("activation bad uid", "POST", "/auth/users/activation/", json_body={"uid": "zzzz", "token": tok})
    s.step("activation uid of nonexistent pk", "POST", "/auth/users/activation/", json_body={"uid": "OTk5OQ", "token": tok})
    s.step("activation bad token", "POST", "/auth/users/activation/", json_body={"uid": uid, "token": "abc-123"})
    s.step("activation no slash (301)", "POST", "/auth/users/activation", json_body={"uid": uid, "token": tok})
    s.step("activation GET anon (401 before 405)", "GET", "/auth/users/activation/")
    s.step("activation ok (mailed link)", "POST", "/auth/users/activation/", json_body={"uid": uid, "token": tok})
    s.step("activation again (stale)", "POST", "/auth/users/activation/", json_body={"uid": uid, "token": tok})
    s.step("confirm-activation poll: active", "GET", "/auth/user/confirm-activation/alice@example.com")
    s.step("confirm-activation different case", "GET", "/auth/user/confirm-activation/ALICE@example.com")

    # ------------------------------------------------------------------ resend_activation
    s.step("resend_activation unknown email", "POST", "/auth/users/resend_activation/", json_body={"email": "nobody@example.com"})
    s.step("resend_activation active account", "POST", "/auth/users/resend_activation/", json_body={"email": "alice@example.com"})
    s.step("resend_activation missing email", "POST", "/auth/users/resend_activation/", json_body={})
    s.step("resend_activation invalid email", "POST", "/auth/users/resend_activation/", json_body={"email": "bogus"})
    s.step("resend_activation inactive ok", "POST", "/auth/users/resend_activation/", json_body={"email": "x15@example.com"}, mail=True)

    # ------------------------------------------------------------------ jwt/create
    for p in ["/auth/jwt/create/", "/auth/jwt/create"]:
        s.step(f"jwt/create ok ({p})", "POST", p, json_body={"email": "alice@example.com", "password": PW})
        s.step(f"jwt/create wrong password ({p})", "POST", p, json_body={"email": "alice@example.com", "password": "wrong-password"})
        s.step(f"jwt/create unknown email ({p})", "POST", p, json_body={"email": "nobody@example.com", "password": PW})
        s.step(f"jwt/create missing fields ({p})", "POST", p, json_body={})
    s.step("jwt/create blank values", "POST", "/auth/jwt/create/", json_body={"email": "", "password": ""})
    s.step("jwt/create with username field", "POST", "/auth/jwt/create/", json_body={"username": "alice", "password": PW})
    s.step("jwt/create email different case", "POST", "/auth/jwt/create/", json_body={"email": "ALICE@example.com", "password": PW})
    s.step("jwt/create GET (405)", "GET", "/auth/jwt/create/")
    s.step("jwt/create GET no slash (405)", "GET", "/auth/jwt/create")
    s.step("jwt/create malformed JSON", "POST", "/auth/jwt/create/", raw="{bad", headers=J)
    s.step("jwt/create text/plain (415)", "POST", "/auth/jwt/create/", raw="hi", headers={"Content-Type": "text/plain"})
    s.step("jwt/create form-encoded", "POST", "/auth/jwt/create/", data={"email": "alice@example.com", "password": PW})
    s.step("jwt/create Bearer garbage header ignored", "POST", "/auth/jwt/create/",
           json_body={"email": "alice@example.com", "password": PW}, headers={"Authorization": "Bearer garbage"})
    s.step("jwt/create path suffix /auth/jwt/createXYZ", "POST", "/auth/jwt/createXYZ",
           json_body={"email": "alice@example.com", "password": PW})

    toks = login("alice@example.com")
    access, refresh = toks.get("access", "missing"), toks.get("refresh", "missing")
    uid_s = str(alice_id)

    # ------------------------------------------------------------------ jwt/refresh
    for p in ["/auth/jwt/refresh/", "/auth/jwt/refresh"]:
        s.step(f"jwt/refresh ok ({p})", "POST", p, json_body={"refresh": refresh})
        s.step(f"jwt/refresh garbage ({p})", "POST", p, json_body={"refresh": "garbage"})
    s.step("jwt/refresh access token given", "POST", "/auth/jwt/refresh/", json_body={"refresh": access})
    s.step("jwt/refresh missing", "POST", "/auth/jwt/refresh/", json_body={})
    s.step("jwt/refresh blank", "POST", "/auth/jwt/refresh/", json_body={"refresh": ""})
    s.step("jwt/refresh wrong signature", "POST", "/auth/jwt/refresh/", json_body={"refresh": mint(
        {"token_type": "refresh", "exp": now() + 3600, "iat": now(), "jti": uuid.uuid4().hex, "user_id": uid_s}, key="other-key")})
    s.step("jwt/refresh expired", "POST", "/auth/jwt/refresh/", json_body={"refresh": mint(
        {"token_type": "refresh", "exp": now() - 10, "iat": now() - 1000, "jti": uuid.uuid4().hex, "user_id": uid_s})})
    s.step("jwt/refresh no token_type", "POST", "/auth/jwt/refresh/", json_body={"refresh": mint(
        {"exp": now() + 3600, "iat": now(), "jti": uuid.uuid4().hex, "user_id": uid_s})})
    s.step("jwt/refresh integer user_id", "POST", "/auth/jwt/refresh/", json_body={"refresh": mint(
        {"token_type": "refresh", "exp": now() + 3600, "iat": now(), "jti": uuid.uuid4().hex, "user_id": alice_id})})
    s.step("jwt/refresh alg none", "POST", "/auth/jwt/refresh/", json_body={"refresh": mint(
        {"token_type": "refresh", "exp": now() + 3600, "iat": now(), "jti": uuid.uuid4().hex, "user_id": uid_s}, alg="none")})
    s.step("jwt/refresh GET (405)", "GET", "/auth/jwt/refresh/")

    # ------------------------------------------------------------------ jwt/verify
    for p in ["/auth/jwt/verify/", "/auth/jwt/verify"]:
        s.step(f"jwt/verify ok access ({p})", "POST", p, json_body={"token": access})
        s.step(f"jwt/verify garbage ({p})", "POST", p, json_body={"token": "garbage"})
    s.step("jwt/verify refresh token", "POST", "/auth/jwt/verify/", json_body={"token": refresh})
    s.step("jwt/verify expired", "POST", "/auth/jwt/verify/", json_body={"token": mint(
        {"token_type": "access", "exp": now() - 10, "iat": now() - 310, "jti": uuid.uuid4().hex, "user_id": uid_s})})
    s.step("jwt/verify wrong signature", "POST", "/auth/jwt/verify/", json_body={"token": mint(
        {"token_type": "access", "exp": now() + 300, "iat": now(), "jti": uuid.uuid4().hex, "user_id": uid_s}, key="nope")})
    s.step("jwt/verify nonexistent user id", "POST", "/auth/jwt/verify/", json_body={"token": mint(
        {"token_type": "access", "exp": now() + 300, "iat": now(), "jti": uuid.uuid4().hex, "user_id": "999999"})})
    s.step("jwt/verify missing", "POST", "/auth/jwt/verify/", json_body={})
    s.step("jwt/verify GET (405)", "GET", "/auth/jwt/verify/")

    # ------------------------------------------------------------------ bearer errors
    me = "/auth/users/me/"
    s.step("GET me no auth", "GET", me)
    s.step("GET me Bearer garbage", "GET", me, headers={"Authorization": "Bearer garbage"})
    s.step("GET me Basic scheme", "GET", me, headers={"Authorization": "Basic x"})
    s.step("GET me lowercase bearer", "GET", me, headers={"Authorization": f"bearer {access}"})
    s.step("GET me JWT scheme", "GET", me, headers={"Authorization": f"JWT {access}"})
    s.step("GET me 'Bearer' alone", "GET", me, headers={"Authorization": "Bearer"})
    s.step("GET me 'Bearer a b'", "GET", me, headers={"Authorization": "Bearer a b"})
    s.step("GET me refresh token as bearer", "GET", me, headers=bearer(refresh))
    s.step("GET me expired access", "GET", me, headers=bearer(mint(
        {"token_type": "access", "exp": now() - 10, "iat": now() - 310, "jti": uuid.uuid4().hex, "user_id": uid_s})))
    s.step("GET me access without user_id", "GET", me, headers=bearer(mint(
        {"token_type": "access", "exp": now() + 300, "iat": now(), "jti": uuid.uuid4().hex})))
    s.step("GET me access unknown user", "GET", me, headers=bearer(mint(
        {"token_type": "access", "exp": now() + 300, "iat": now(), "jti": uuid.uuid4().hex, "user_id": "999999"})))
    s.step("GET me access integer user_id", "GET", me, headers=bearer(mint(
        {"token_type": "access", "exp": now() + 300, "iat": now(), "jti": uuid.uuid4().hex, "user_id": alice_id})))
    s.step("GET me access without jti", "GET", me, headers=bearer(mint(
        {"token_type": "access", "exp": now() + 300, "iat": now(), "user_id": uid_s})))

    # ------------------------------------------------------------------ users/me
    s.step("GET me", "GET", me, headers=bearer(access))
    s.step("GET me no slash (301)", "GET", "/auth/users/me", headers=bearer(access))
    s.step("POST me (405)", "POST", me, headers=bearer(access), json_body={})
    s.step("PATCH me anon", "PATCH", me, json_body={"first_name": "x"})
    s.step("PATCH me profile", "PATCH", me, headers=bearer(access),
           json_body={"first_name": "Alice", "last_name": "Liddell", "phone": "+44 20 7946 0000", "city": "Oxford"})
    s.step("PATCH me email+id read-only (ignored)", "PATCH", me, headers=bearer(access), json_body={"email": "new@example.com", "id": 999})
    s.step("PATCH me username invalid", "PATCH", me, headers=bearer(access), json_body={"username": "bad name!"})
    s.step("PATCH me empty body", "PATCH", me, headers=bearer(access), json_body={})
    s.step("PATCH me null profile field", "PATCH", me, headers=bearer(access), json_body={"city": None})
    s.step("PATCH me too long field", "PATCH", me, headers=bearer(access), json_body={"phone": "1" * 40})
    s.step("PUT me missing username", "PUT", me, headers=bearer(access), json_body={"first_name": "A"})
    s.step("PUT me full", "PUT", me, headers=bearer(access), json_body={
        "username": "alice", "first_name": "Alice", "last_name": "L", "phone": "", "address_line_1": "1 High St",
        "address_line_2": "", "city": "Oxford", "state": "Oxon", "postcode": "OX1 1AA", "country": "UK"})
    s.step("PUT me only username (others kept)", "PUT", me, headers=bearer(access), json_body={"username": "alice"})
    s.step("PUT me form-encoded", "PUT", me, headers=bearer(access), data={"username": "alice", "city": "Bath"})
    s.step("PATCH me malformed JSON", "PATCH", me, headers={**bearer(access), **J}, raw="{nope")
    s.step("PATCH me text/plain (415)", "PATCH", me, headers={**bearer(access), "Content-Type": "text/plain"}, raw="x")
    s.step("PATCH me anon + malformed JSON (401 first)", "PATCH", me, headers=J, raw="{nope")
    s.step("register with a valid Bearer", "POST", "/auth/users/", headers=bearer(access),
           json_body={"email": "withauth@example.com", "username": "withauth", "password": PW}, mail=True)
    s.step("HEAD me", "HEAD", me, headers=bearer(access))
    s.step("OPTIONS me anon (CORS preflight style)", "OPTIONS", me)

    # ------------------------------------------------------------------ users list / other ids
    def register_and_activate(em, un):
        r = s.step(f"register {un}", "POST", "/auth/users/", json_body={"email": em, "username": un, "password": PW}, mail=True)
        u, t = mailed(r, "activation")
        s.step(f"activate {un}", "POST", "/auth/users/activation/", json_body={"uid": u, "token": t})
        return r.j("id", 0)

    bob_id = register_and_activate("bob@example.com", "bob")
    dave_id = register_and_activate("dave@example.com", "dave")
    staff_ok = s.sql_user("bob@example.com", is_staff=True)
    staff = login("bob@example.com").get("access", "missing")
    s.step("PATCH me username taken", "PATCH", me, headers=bearer(access), json_body={"username": "bob"})
    s.step("GET users/ non-staff", "GET", "/auth/users/", headers=bearer(access))
    if staff_ok:
        s.step("GET users/ staff", "GET", "/auth/users/", headers=bearer(staff))
    s.step("GET users no slash (301)", "GET", "/auth/users", headers=bearer(access))
    s.step("GET users/<self id>/", "GET", f"/auth/users/{alice_id}/", headers=bearer(access))
    s.step("GET users/<other id>/ non-staff", "GET", f"/auth/users/{bob_id}/", headers=bearer(access))
    s.step("PATCH users/<other id>/ non-staff", "PATCH", f"/auth/users/{bob_id}/", headers=bearer(access), json_body={"first_name": "hax"})
    s.step("PUT users/<other id>/ non-staff", "PUT", f"/auth/users/{bob_id}/", headers=bearer(access), json_body={"username": "hax"})
    s.step("DELETE users/<other id>/ non-staff", "DELETE", f"/auth/users/{bob_id}/", headers=bearer(access), json_body={"current_password": PW})
    s.step("GET users/<nonexistent id>/ non-staff", "GET", "/auth/users/999999/", headers=bearer(access))
    s.step("GET users/<non-numeric id>/ non-staff", "GET", "/auth/users/abc/", headers=bearer(access))
    s.step("GET users/<other id>/ anon", "GET", f"/auth/users/{bob_id}/")
    if staff_ok:
        s.step("GET users/<alice id>/ staff", "GET", f"/auth/users/{alice_id}/", headers=bearer(staff))
        s.step("PATCH users/<alice id>/ staff", "PATCH", f"/auth/users/{alice_id}/", headers=bearer(staff), json_body={"state": "Oxfordshire"})
        s.step("GET users/<nonexistent id>/ staff", "GET", "/auth/users/999999/", headers=bearer(staff))
    s.step("POST users/<id>/ (405)", "POST", f"/auth/users/{alice_id}/", headers=bearer(access), json_body={})

    # ------------------------------------------------------------------ deactivated user's tokens
    dave = login("dave@example.com")
    if s.sql_user("dave@example.com", is_active=False):
        s.step("GET me token of deactivated user", "GET", me, headers=bearer(dave.get("access", "missing")))
        s.step("jwt/refresh token of deactivated user", "POST", "/auth/jwt/refresh/", json_body={"refresh": dave.get("refresh", "missing")})
        s.step("jwt/verify token of deactivated user", "POST", "/auth/jwt/verify/", json_body={"token": dave.get("access", "missing")})
        s.step("confirm-activation poll: deactivated", "GET", "/auth/user/confirm-activation/dave@example.com")
        s.sql_user("dave@example.com", is_active=True)

    # ------------------------------------------------------------------ set_password
    sp = "/auth/users/set_password/"
    s.step("set_password anon", "POST", sp, json_body={"current_password": PW, "new_password": PW2})
    s.step("set_password missing fields", "POST", sp, headers=bearer(access), json_body={})
    s.step("set_password wrong current", "POST", sp, headers=bearer(access), json_body={"current_password": "wrong", "new_password": PW2})
    s.step("set_password invalid new", "POST", sp, headers=bearer(access), json_body={"current_password": PW, "new_password": "123"})
    s.step("set_password new similar to username", "POST", sp, headers=bearer(access), json_body={"current_password": PW, "new_password": "alice123"})
    s.step("set_password wrong current + invalid new", "POST", sp, headers=bearer(access), json_body={"current_password": "wrong", "new_password": "1"})
    s.step("set_password ok", "POST", sp, headers=bearer(access), json_body={"current_password": PW, "new_password": PW2})
    s.step("GET me with access issued before set_password", "GET", me, headers=bearer(access))
    s.step("jwt/refresh with refresh issued before set_password", "POST", "/auth/jwt/refresh/", json_body={"refresh": refresh})
    s.step("jwt/create old password", "POST", "/auth/jwt/create/", json_body={"email": "alice@example.com", "password": PW})
    s.step("jwt/create new password", "POST", "/auth/jwt/create/", json_body={"email": "alice@example.com", "password": PW2})
    s.step("set_password GET (405)", "GET", sp, headers=bearer(access))

    # ------------------------------------------------------------------ set_email
    se = "/auth/users/set_email/"
    s.step("set_email anon", "POST", se, json_body={"new_email": "x@example.com", "current_password": PW2})
    s.step("set_email missing fields", "POST", se, headers=bearer(access), json_body={})
    s.step("set_email taken", "POST", se, headers=bearer(access), json_body={"new_email": "bob@example.com", "current_password": PW2})
    s.step("set_email wrong password", "POST", se, headers=bearer(access), json_body={"new_email": "alice.new@example.com", "current_password": "wrong"})
    s.step("set_email invalid email", "POST", se, headers=bearer(access), json_body={"new_email": "nope", "current_password": PW2})
    s.step("set_email taken + wrong password", "POST", se, headers=bearer(access), json_body={"new_email": "bob@example.com", "current_password": "wrong"})
    s.step("set_email ok", "POST", se, headers=bearer(access), json_body={"new_email": "alice.new@example.com", "current_password": PW2}, mail=True)
    s.step("GET me after set_email", "GET", me, headers=bearer(access))
    s.step("confirm-activation poll: after set_email", "GET", "/auth/user/confirm-activation/alice.new@example.com")
    s.step("set_email to own current email", "POST", se, headers=bearer(access), json_body={"new_email": "alice.new@example.com", "current_password": PW2})

    # ------------------------------------------------------------------ reset_email + confirm
    s.step("reset_email unknown", "POST", "/auth/users/reset_email/", json_body={"email": "nobody@example.com"}, mail=True)
    s.step("reset_email missing", "POST", "/auth/users/reset_email/", json_body={})
    r = s.step("reset_email ok", "POST", "/auth/users/reset_email/", json_body={"email": "alice.new@example.com"}, mail=True)
    ruid, rtok = mailed(r, "email_reset")
    rec = "/auth/users/reset_email_confirm/"
    s.step("reset_email_confirm missing", "POST", rec, json_body={})
    s.step("reset_email_confirm bad uid", "POST", rec, json_body={"uid": "xx", "token": rtok, "new_email": "alice3@example.com"})
    s.step("reset_email_confirm bad token", "POST", rec, json_body={"uid": ruid, "token": "bad-token", "new_email": "alice3@example.com"})
    s.step("reset_email_confirm taken email", "POST", rec, json_body={"uid": ruid, "token": rtok, "new_email": "bob@example.com"})
    s.step("reset_email_confirm invalid email", "POST", rec, json_body={"uid": ruid, "token": rtok, "new_email": "bogus"})
    s.step("reset_email_confirm ok (mailed link)", "POST", rec, json_body={"uid": ruid, "token": rtok, "new_email": "alice@example.com"})
    s.step("reset_email_confirm reused token", "POST", rec, json_body={"uid": ruid, "token": rtok, "new_email": "alice4@example.com"})

    # ------------------------------------------------------------------ reset_password + confirm
    rp = "/auth/users/reset_password/"
    s.step("reset_password unknown", "POST", rp, json_body={"email": "nobody@example.com"}, mail=True)
    s.step("reset_password inactive user", "POST", rp, json_body={"email": "x15@example.com"}, mail=True)
    s.step("reset_password missing", "POST", rp, json_body={})
    s.step("reset_password invalid email", "POST", rp, json_body={"email": "bogus"})
    s.step("reset_password email different case", "POST", rp, json_body={"email": "ALICE@example.com"}, mail=True)
    r = s.step("reset_password known", "POST", rp, json_body={"email": "alice@example.com"}, mail=True)
    puid, ptok = mailed(r, "password_reset")
    rpc = "/auth/users/reset_password_confirm/"
    s.step("reset_password_confirm missing", "POST", rpc, json_body={})
    s.step("reset_password_confirm bad uid", "POST", rpc, json_body={"uid": "xx", "token": ptok, "new_password": PW3})
    s.step("reset_password_confirm bad token", "POST", rpc, json_body={"uid": puid, "token": "bad-token", "new_password": PW3})
    s.step("reset_password_confirm invalid new password", "POST", rpc, json_body={"uid": puid, "token": ptok, "new_password": "123"})
    s.step("reset_password_confirm invalid new password + bad uid", "POST", rpc, json_body={"uid": "xx", "token": ptok, "new_password": "123"})
    s.step("reset_password_confirm ok (mailed link)", "POST", rpc, json_body={"uid": puid, "token": ptok, "new_password": PW3})
    s.step("reset_password_confirm reused token", "POST", rpc, json_body={"uid": puid, "token": ptok, "new_password": PW3 + "2"})
    s.step("jwt/create after reset", "POST", "/auth/jwt/create/", json_body={"email": "alice@example.com", "password": PW3})
    access = login("alice@example.com", PW3).get("access", "missing")

    # ------------------------------------------------------------------ DELETE me
    s.step("DELETE me missing current_password", "DELETE", me, headers=bearer(access))
    s.step("DELETE me wrong current_password", "DELETE", me, headers=bearer(access), json_body={"current_password": "wrong"})
    s.step("DELETE users/<self id>/ wrong current_password", "DELETE", f"/auth/users/{alice_id}/", headers=bearer(access), json_body={"current_password": "wrong"})
    dave = login("dave@example.com")
    s.step("DELETE me ok (dave)", "DELETE", me, headers=bearer(dave.get("access", "missing")), json_body={"current_password": PW})
    s.step("GET me with deleted user's access", "GET", me, headers=bearer(dave.get("access", "missing")))
    s.step("jwt/refresh deleted user's refresh", "POST", "/auth/jwt/refresh/", json_body={"refresh": dave.get("refresh", "missing")})
    s.step("jwt/verify deleted user's access", "POST", "/auth/jwt/verify/", json_body={"token": dave.get("access", "missing")})
    s.step("confirm-activation poll: deleted user", "GET", "/auth/user/confirm-activation/dave@example.com")
    if staff_ok:
        s.step("DELETE users/<alice id>/ staff with staff's password", "DELETE", f"/auth/users/{alice_id}/",
               headers=bearer(login("bob@example.com").get("access", "missing")), json_body={"current_password": PW})

    # ------------------------------------------------------------------ misc
    s.step("unknown path", "GET", "/auth/nope/")
    s.step("unknown path no slash", "GET", "/auth/nope")
    s.step("final: stray mails", "GET", "/auth/user/confirm-activation/nobody@example.com", mail=True, mail_count=10**6)


# --------------------------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------------------------
class Servers:
    def __init__(self):
        self.procs = []

    def start_ref(self, workdir, port, python):
        db = os.path.join(workdir, "ref.sqlite3")
        mail = os.path.join(workdir, "ref-mail")
        os.makedirs(mail, exist_ok=True)
        env = dict(os.environ, DJREF_DB=db, DJREF_MAIL=mail, PYTHONDONTWRITEBYTECODE="1")
        for k in ("DJREF_DEBUG", "DJREF_ROTATE"):
            env.pop(k, None)
        manage = os.path.join(REF_PROJECT, "manage.py")
        subprocess.run([python, manage, "migrate", "-v0"], cwd=REF_PROJECT, env=env, check=True)
        log = open(os.path.join(workdir, "ref.log"), "w")
        p = subprocess.Popen([python, manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
                             cwd=REF_PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/auth/", p, "reference (runserver)")
        return base, mail, db

    def start_tessera(self, workdir, port, binary, secret):
        db = os.path.join(workdir, "tessera.db")
        mail = os.path.join(workdir, "tessera-mail")
        os.makedirs(mail, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
        env.update({
            "TESSERA_BIND": f"127.0.0.1:{port}",
            "TESSERA_DATABASE_URL": f"sqlite://{db}",
            "TESSERA_SECRET_KEY": secret,
            "TESSERA_EMAIL_BACKEND": "file",
            "TESSERA_EMAIL_DIR": mail,
            "TESSERA_FRONTEND_URL": "http://localhost:3000",
            "TESSERA_SITE_NAME": "Tessera",
        })
        env.setdefault("RUST_LOG", "warn")
        log = open(os.path.join(workdir, "tessera.log"), "w")
        p = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/healthz", p, "tessera")
        return base, mail, db

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
USER_FIELDS = "{address_line_1,address_line_2,city,country,email,first_name,id,last_name,phone,postcode,state,username}"


def brief(r):
    if not isinstance(r.status, int):
        return str(r.status)
    s = f"{r.status} {r.shape}".replace(USER_FIELDS, "{<12 user fields>}")
    if r.location:
        s += f" -> {r.location}"
    if r.mail:
        s += " +mail:" + ",".join(m["kind"] for m in r.mail)
    return s


def cut(v, n=300):
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[: n - 3] + "..."


def main():
    global REF_SECRET
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tessera-bin", default=os.environ.get("TESSERA_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target"), "debug", "tessera"))
    ap.add_argument("--python", default=sys.executable, help="Python of the reference venv (default: this one)")
    ap.add_argument("--secret-key", default=REF_SECRET, help="shared by both servers, signs the self-minted tokens")
    ap.add_argument("--ref-url"), ap.add_argument("--ref-mail-dir"), ap.add_argument("--ref-db")
    ap.add_argument("--tessera-url"), ap.add_argument("--tessera-mail-dir"), ap.add_argument("--tessera-db")
    ap.add_argument("--mail-wait", type=float, default=6.0, help="seconds to wait for Tessera's outbox worker")
    ap.add_argument("--workdir", help="keep databases, mails and logs here (default: a temporary dir, removed)")
    ap.add_argument("--json", help="also write every step's raw answers to this file")
    ap.add_argument("--verbose", "-v", action="store_true", help="print details for every step, not only differing ones")
    a = ap.parse_args()

    REF_SECRET = a.secret_key
    workdir = a.workdir or tempfile.mkdtemp(prefix="tessera-compat-")
    os.makedirs(workdir, exist_ok=True)
    servers = Servers()
    try:
        if a.ref_url:
            ref_base, ref_mail, ref_db = a.ref_url, a.ref_mail_dir, a.ref_db
        else:
            ref_base, ref_mail, ref_db = servers.start_ref(workdir, free_port(), a.python)
        if a.tessera_url:
            tes_base, tes_mail, tes_db = a.tessera_url, a.tessera_mail_dir, a.tessera_db
        else:
            if not os.access(a.tessera_bin, os.X_OK):
                sys.exit(f"no tessera binary at {a.tessera_bin} (build it, or pass --tessera-bin)")
            tes_base, tes_mail, tes_db = servers.start_tessera(workdir, free_port(), a.tessera_bin, a.secret_key)
        if not ref_mail or not tes_mail:
            sys.exit("--ref-mail-dir / --tessera-mail-dir are required with --ref-url / --tessera-url")

        ref = Side("reference", ref_base, ref_mail, ref_db, "ref", mail_wait=1.5)
        tes = Side("tessera", tes_base, tes_mail, tes_db, "tessera", mail_wait=a.mail_wait)
        print(f"reference: {ref_base}   tessera: {tes_base}   workdir: {workdir}", flush=True)
        t0 = time.time()
        scenario(ref)
        scenario(tes)
        elapsed = time.time() - t0
    finally:
        servers.stop()
        if not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    names = list(ref.order) + [n for n in tes.order if n not in ref.results]
    rows, same, differ, expected, unexpected_names, expected_not_seen = [], 0, 0, 0, [], []
    details = []
    for n in names:
        r, t = ref.results.get(n), tes.results.get(n)
        if r is None or t is None:
            differ += 1
            unexpected_names.append(n)
            rows.append((n, brief(r) if r else "(step not run)", brief(t) if t else "(step not run)", "DIFF"))
            continue
        diffs = compare(r, t)
        exp = EXPECTED.get(n)
        if not diffs:
            same += 1
            verdict = "same"
            if exp:
                expected_not_seen.append(n)
                verdict = f"same (expected ({exp[0]}) not seen)"
        else:
            differ += 1
            if exp and exp[2](r, t):
                expected += 1
                verdict = f"expected ({exp[0]})"
            else:
                unexpected_names.append(n)
                verdict = "DIFF" + (f" (not as expected in ({exp[0]}))" if exp else "")
            details.append((n, r, t, diffs, verdict))
        rows.append((n, brief(r), brief(t), verdict))
        if a.verbose and not diffs:
            details.append((n, r, t, [], verdict))

    w0 = min(max(len(x[0]) for x in rows), 58)
    w1 = min(max(len(x[1]) for x in rows), 52)
    w2 = min(max(len(x[2]) for x in rows), 52)
    print(f"\n{'step':<{w0}}  {'reference':<{w1}}  {'tessera':<{w2}}  verdict")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * w2}  -------")
    for n, b1, b2, v in rows:
        print(f"{n[:w0]:<{w0}}  {b1[:w1]:<{w1}}  {b2[:w2]:<{w2}}  {v}")

    if details:
        print("\nDetails of the differing steps:")
    for n, r, t, diffs, verdict in details:
        print(f"\n* {n}  [{verdict}]  {r.method} {r.path}")
        if verdict.startswith("expected"):
            print(f"  reason: {EXPECTED[n][1]}")
        for aspect, x, y in diffs:
            print(f"  {aspect}:\n    reference: {cut(x)}\n    tessera:   {cut(y)}")
        if not any(d[0] == "values" for d in diffs):
            print(f"  reference body: {cut(r.values if r.is_json else r.text, 200)}")
            print(f"  tessera body:   {cut(t.values if t.is_json else t.text, 200)}")

    print("\nExpected differences (deliberate):")
    for n, (letter, reason, _) in EXPECTED.items():
        print(f"  ({letter}) {n}: {reason}")
    if expected_not_seen:
        print("Expected differences that did NOT show up (Tessera behaved like the reference): " + ", ".join(expected_not_seen))
    if unexpected_names:
        print("UNEXPECTED differences: " + "; ".join(unexpected_names))

    if a.json:
        def dump(side):
            return {n: {"method": x.method, "path": x.path, "status": x.status, "content_type": x.ctype,
                        "location": x.location, "shape": x.shape, "claims": x.claims,
                        "body": x.body if x.is_json else x.text[:2000], "mail": x.mail, "stray_mail": x.stray}
                    for n, x in side.results.items()}
        with open(a.json, "w") as f:
            json.dump({"reference": dump(ref), "tessera": dump(tes)}, f, indent=1, ensure_ascii=False)

    print(f"\n({len(names)} steps in {elapsed:.0f}s)")
    print(f"compat: {same} same, {differ} differ ({expected} expected)")
    return 0 if not unexpected_names else 1


if __name__ == "__main__":
    sys.exit(main())
