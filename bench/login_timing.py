#!/usr/bin/env python3
"""Account enumeration by timing: an address with an account must answer as fast as one without,
on sign-in, sign-up and password reset.

    python3 bench/login_timing.py            # 40 attempts of each kind, interleaved
    ATTEMPTS=100 python3 bench/login_timing.py

Uses dist/booktime (BOOKTIME_BIN to choose; scripts/release.sh builds it when missing), starts it on
a fresh database with one account, then times, interleaved so that both see the same machine load:
POST /login/ with an unknown email against the real email with a wrong password; POST /signup/ with
a new email against the taken one; POST /password-reset/ with an unknown email against the real
one. Prints the median and p90 of each and the difference of the medians; exits 1 when any pair
differs by 20 % or more. The rate limits are raised for the run through their settings
(BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE, BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT).
"""
import http.cookiejar, os, re, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request

ATTEMPTS = int(os.environ.get("ATTEMPTS", "40"))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("BOOKTIME_BIN", os.path.join(root, "dist", "booktime"))
if not os.path.exists(binary):
    subprocess.run([os.path.join(root, "scripts", "release.sh")], cwd=root, check=True, stdout=subprocess.DEVNULL)

with tempfile.TemporaryDirectory() as scratch:
    db = os.path.join(scratch, "timing.db")
    subprocess.run([binary, "migrate", "--db", db], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "createuser", "--db", db, "--email", "reader@booktime.domain", "--role", "customer", "--password-stdin"],
                   input="a long enough phrase\n", text=True, check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, BOOKTIME_LOG_LEVEL="warning", BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE="1000000", BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT="1000000")
    server = subprocess.Popen([binary, "serve", "--port", "0", "--db", db], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        for line in server.stdout:
            match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
            if match:
                url = match.group(1)
                break
        if not url:
            sys.exit("server did not start")
        def session(path):
            """A fresh visitor on `path`: its cookie jar and the form's CSRF token."""
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(url + path).read().decode()
            return opener, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

        def timed(opener, path, fields, expected):
            body = urllib.parse.urlencode(fields).encode()
            request = urllib.request.Request(url + path, data=body, headers={"Origin": url})
            start = time.perf_counter()
            try:
                response = opener.open(request)
                response.read()
                status = response.status
            except urllib.error.HTTPError as error:
                error.read()
                status = error.code
            elapsed = time.perf_counter() - start
            if status not in expected:
                sys.exit(f"unexpected status {status} for {path} {fields.get('email')}")
            return elapsed

        login, login_token = session("/login/")

        def attempt(email):
            return timed(login, "/login/", {"email": email, "password": "not the password", "csrf_token": login_token}, {422})

        def signup(email):
            opener, token = session("/signup/")
            password = "a quiet lighthouse 7"
            return timed(opener, "/signup/", {"email": email, "password1": password, "password2": password, "csrf_token": token}, {200, 303, 422})

        reset, reset_token = session("/password-reset/")

        def request_reset(email):
            return timed(reset, "/password-reset/", {"email": email, "csrf_token": reset_token}, {200, 303})

        attempt("warm@booktime.domain")
        signup("warm@booktime.domain")
        request_reset("warm@booktime.domain")
        unknown, wrong, new, taken, reset_unknown, reset_known = [], [], [], [], [], []
        # Each pair in its own loop, alternating which goes first, so neither always follows a
        # bcrypt-heavy request of another kind.
        for index in range(ATTEMPTS):
            for kind in (("unknown", "wrong") if index % 2 == 0 else ("wrong", "unknown")):
                (unknown if kind == "unknown" else wrong).append(attempt("nobody@booktime.domain" if kind == "unknown" else "reader@booktime.domain"))
        for index in range(ATTEMPTS):
            for kind in (("new", "taken") if index % 2 == 0 else ("taken", "new")):
                (new if kind == "new" else taken).append(signup(f"new{index}@booktime.domain" if kind == "new" else "reader@booktime.domain"))
        for index in range(ATTEMPTS * 5):
            for kind in (("unknown", "known") if index % 2 == 0 else ("known", "unknown")):
                (reset_unknown if kind == "unknown" else reset_known).append(
                    request_reset("nobody@booktime.domain" if kind == "unknown" else "reader@booktime.domain"))
    finally:
        server.terminate()
        server.wait()

def describe(name, samples):
    ordered = sorted(samples)
    print(f"{name:<34} median {statistics.median(ordered) * 1000:7.1f} ms   p90 {ordered[int(len(ordered) * 0.9) - 1] * 1000:7.1f} ms")

failed = False
for title, (a_name, a), (b_name, b) in [
    ("sign-in", ("unknown email", unknown), ("known email, wrong password", wrong)),
    ("sign-up", ("new email", new), ("email with an account", taken)),
    ("password reset", ("unknown email", reset_unknown), ("email with an account", reset_known)),
]:
    print(f"== {title}")
    describe(a_name, a)
    describe(b_name, b)
    ma, mb = statistics.median(a), statistics.median(b)
    difference = abs(ma - mb) / max(ma, mb)
    print(f"difference of medians: {difference * 100:.1f} % (goal: under 20 %)")
    failed = failed or difference >= 0.2
sys.exit(1 if failed else 0)
