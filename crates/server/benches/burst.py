#!/usr/bin/env python3
"""Login burst (run by hand, never in CI): the release `tessera serve` on a fresh SQLite
database (rate limits off), one account, then wrk POSTs `/auth/jwt/create/` on 16 connections
for DUR seconds (default 30). Prints logins/s and the server's RSS at idle, at its peak, at the
end and 5 s later. Run from the project's root after `cargo build --release`:
    python3 crates/server/benches/burst.py [path/to/tessera]
Needs wrk (apt-get install -y wrk). Compare logins/s with `limit-server crypto 5`'s
argon2id_hash_all_cores, run right after it (../shared/bench)."""
import json, os, random, shutil, subprocess, sys, tempfile, threading, time, urllib.request
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/tessera")
DUR = int(os.environ.get("DUR", "30"))
work = tempfile.mkdtemp(prefix="burst.")
port = 18100 + random.randrange(300)
env = {**os.environ, "TESSERA_BIND": f"127.0.0.1:{port}", "TESSERA_DATABASE_URL": f"sqlite://{work}/t.db",
       "TESSERA_SECRET_KEY": "burst-secret-key-0123456789abcdef0123456789", "TESSERA_RATE_LIMITING": "false",
       "RUST_LOG": "warn"}
pw = "Burst#Pass-" + os.urandom(4).hex()
subprocess.run([BIN, "user", "create", "--email", "bench@example.com", "--username", "bench"], input=pw + "\n",
               text=True, env=env, cwd=work, check=True, capture_output=True)
srv = subprocess.Popen([BIN, "serve"], env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def rss():
    for l in open(f"/proc/{srv.pid}/status"):
        if l.startswith("VmRSS:"): return int(l.split()[1]) / 1024
def threads():
    return len(os.listdir(f"/proc/{srv.pid}/task"))
for _ in range(100):
    try: urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1); break
    except Exception: time.sleep(0.1)
time.sleep(1)
idle = rss()
open(f"{work}/l.lua", "w").write(f'''wrk.method = "POST"
wrk.body = '{json.dumps({"email": "bench@example.com", "password": pw})}'
wrk.headers["Content-Type"] = "application/json"
done = function(s, lat, req)
  io.write(string.format("{{\\"rps\\":%.1f,\\"non2xx\\":%d}}\\n", s.requests/(s.duration/1e6), s.errors.status))
end
''')
peak = [idle]; stop = False
def watch():
    while not stop:
        peak[0] = max(peak[0], rss()); time.sleep(0.2)
t = threading.Thread(target=watch); t.start()
out = subprocess.run(["wrk", "-t2", "-c16", f"-d{DUR}s", "--timeout", "10s", "-s", f"{work}/l.lua",
                      f"http://127.0.0.1:{port}/auth/jwt/create/"], capture_output=True, text=True).stdout
stop = True; t.join()
res = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
end = rss(); th = threads(); time.sleep(5); later = rss()
srv.terminate(); srv.wait()
shutil.rmtree(work, ignore_errors=True)
print(f"logins/s {res['rps']:.1f} non2xx {res['non2xx']} | RSS idle {idle:.1f} peak {peak[0]:.1f} end {end:.1f} 5s-later {later:.1f} MB | threads {th}")
