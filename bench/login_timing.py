#!/usr/bin/env python3
"""Login timing: an unknown email must cost as much as a wrong password (no account enumeration).

    python3 bench/login_timing.py            # 40 attempts of each kind, interleaved
    ATTEMPTS=100 python3 bench/login_timing.py

Builds the release binary, starts it on a fresh database with one account, then times POST /login/
with (a) an unknown email and (b) the real email with a wrong password, interleaved so that both see
the same machine load. Prints the median and p90 of each and the difference of the medians; exits 1
when the medians differ by 20 % or more. The rate limits are raised for the run through their
settings (BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE, BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT).
"""
import http.cookiejar, os, re, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request

ATTEMPTS = int(os.environ.get("ATTEMPTS", "40"))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["swift", "build", "-c", "release", "--product", "booktime"], cwd=root, check=True, stdout=subprocess.DEVNULL)
binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True, capture_output=True, text=True).stdout.strip() + "/booktime"

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
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(url + "/login/").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

        def attempt(email):
            body = urllib.parse.urlencode({"email": email, "password": "not the password", "csrf_token": token}).encode()
            request = urllib.request.Request(url + "/login/", data=body, headers={"Origin": url})
            start = time.perf_counter()
            try:
                opener.open(request).read()
                status = 200
            except urllib.error.HTTPError as error:
                error.read()
                status = error.code
            elapsed = time.perf_counter() - start
            if status != 422:
                sys.exit(f"unexpected status {status} for {email}")
            return elapsed

        attempt("warm@booktime.domain")
        unknown, wrong = [], []
        for _ in range(ATTEMPTS):
            unknown.append(attempt("nobody@booktime.domain"))
            wrong.append(attempt("reader@booktime.domain"))
    finally:
        server.terminate()
        server.wait()

def describe(name, samples):
    ordered = sorted(samples)
    print(f"{name:<26} median {statistics.median(ordered) * 1000:7.1f} ms   p90 {ordered[int(len(ordered) * 0.9) - 1] * 1000:7.1f} ms")

describe("unknown email", unknown)
describe("known email, wrong password", wrong)
a, b = statistics.median(unknown), statistics.median(wrong)
difference = abs(a - b) / max(a, b)
print(f"difference of medians: {difference * 100:.1f} % (goal: under 20 %)")
sys.exit(0 if difference < 0.2 else 1)
