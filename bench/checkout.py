#!/usr/bin/env python3
"""Checkout throughput over HTTP, and the basket page under wrk, on a release build.

    python3 bench/checkout.py              # 2,000 orders, then wrk on /basket/ for 10 s
    ORDERS=5000 DURATION=30s python3 bench/checkout.py
    BINARY=/tmp/booktime-before python3 bench/checkout.py   # a given binary, not built here

Starts the release binary on a fresh demo database (rate limits raised through their settings),
signs in once, adds an address, then repeats "add to basket" + "place order" over one keep-alive
connection and reports orders/s (goal: 500), twice: with Python as the client, then with wrk as
the client (`wrk -t1 -c1 -s checkout.lua`, one connection, so still sequential) to take Python's
own cost out of the figure; wrk's orders are counted in the database, and the server's CPU time per
order is read from /proc (Linux). wrk replays one cookie header, including a flash cookie that no
page ever shows, so every request also verifies and decodes five carried messages: a worst case.
Then fills a basket with 3
lines and runs `wrk -t2 -c32 --latency` on /basket/ with that session (goal: 8,000 requests/s).
"""
import http.client, os, re, sqlite3, subprocess, sys, tempfile, time, urllib.parse

ORDERS = int(os.environ.get("ORDERS", "2000"))
DURATION = os.environ.get("DURATION", "10s")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("BINARY")  # another build to measure (before/after a change, in one run)
if not binary:
    subprocess.run(["swift", "build", "-c", "release", "--product", "booktime"], cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True, capture_output=True, text=True).stdout.strip() + "/booktime"


class Client:
    """One keep-alive connection with a cookie jar and the CSRF token."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies = {}
        self.token = ""

    def request(self, method, path, form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Origin": self.origin}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form + [("csrf_token", self.token)])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        match = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if match:
            self.token = match.group(1)
        return response.status, response.getheader("Location"), text


with tempfile.TemporaryDirectory() as scratch:
    db = os.path.join(scratch, "checkout.db")
    subprocess.run([binary, "demo", db], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "createuser", "--db", db, "--email", "buyer@bench.local", "--role", "customer", "--password-stdin"],
                   input="a long enough phrase\n", text=True, check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, BOOKTIME_LOG_LEVEL="warning", BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE="1000000")
    server = subprocess.Popen([binary, "serve", "--port", "0", "--db", db], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in server.stdout:
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = int(match.group(1))
                break
        client = Client(port)
        client.request("GET", "/login/")
        status, _, _ = client.request("POST", "/login/", [("email", "buyer@bench.local"), ("password", "a long enough phrase")])
        assert status == 303, f"sign-in answered {status}"
        client.request("POST", "/address/create/", [("name", "Bench Buyer"), ("address1", "1 Loop Lane"), ("zip_code", "B1 1BB"),
                                                    ("city", "Benchton"), ("country", "uk")])
        _, _, page = client.request("GET", "/products/all/")
        product_ids = []
        for slug in re.findall(r'href="(/product/[^"]+/)"', page)[:3]:
            _, _, detail = client.request("GET", slug)
            product_ids.append(re.search(r'name="product_id" value="(\d+)"', detail).group(1))
        address_id = None

        start = time.perf_counter()
        for index in range(ORDERS):
            status, _, _ = client.request("POST", "/add_to_basket/", [("product_id", product_ids[index % 3])])
            assert status == 303, f"add to basket answered {status}"
            if address_id is None:
                _, _, select = client.request("GET", "/order/address_select/")
                address_id = re.search(r'<option value="(\d+)" selected', select).group(1)
                start = time.perf_counter()
            status, location, _ = client.request("POST", "/order/address_select/", [("billing_address", address_id), ("shipping_address", address_id)])
            assert status == 303 and location == "/order/done/", f"checkout answered {status} {location}"
        elapsed = time.perf_counter() - start
        print(f"{ORDERS} orders in {elapsed:.2f} s: {ORDERS / elapsed:,.0f} orders/s sequential over HTTP, Python as the client (add to basket + place order)")

        # The same loop driven by wrk (a C client) over one connection, one request at a time:
        # the Python client above costs about as much per request as the server. Orders are
        # counted in the database, not by the client.
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items() if v)
        form = lambda fields: urllib.parse.urlencode(fields + [("csrf_token", client.token)])
        adds = ", ".join(f'"{form([("product_id", pid)])}"' for pid in product_ids)
        place = form([("billing_address", address_id), ("shipping_address", address_id)])
        script = os.path.join(scratch, "checkout.lua")
        with open(script, "w") as lua:
            lua.write(f"""
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["Origin"] = "{client.origin}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local adds = {{{adds}}}
local n = 0
request = function()
  n = n + 1
  if n % 2 == 1 then return wrk.format("POST", "/add_to_basket/", nil, adds[math.floor(n / 2) % 3 + 1]) end
  return wrk.format("POST", "/order/address_select/", nil, "{place}")
end
""")
        count = lambda: sqlite3.connect(db).execute("SELECT COUNT(*) FROM shopOrder").fetchone()[0]
        before = count()
        stat = f"/proc/{server.pid}/stat"
        cpu = lambda: sum(int(field) for field in open(stat).read().rsplit(")", 1)[1].split()[11:13]) / os.sysconf("SC_CLK_TCK") if os.path.exists(stat) else 0.0
        cpu_before = cpu()
        start = time.perf_counter()
        run = subprocess.run(["wrk", "-t1", "-c1", f"-d{DURATION}", "-s", script, f"http://127.0.0.1:{port}/"], capture_output=True, text=True)
        assert run.returncode == 0 and "Requests/sec" in run.stdout, f"wrk failed: {run.stderr or run.stdout}"
        out = run.stdout
        elapsed = time.perf_counter() - start
        placed = count() - before
        cpu_ms = (cpu() - cpu_before) * 1000 / max(placed, 1)
        errors = re.findall(r"(Non-2xx.*|Socket errors.*)", out)
        print(f"{placed} orders in {elapsed:.2f} s: {placed / elapsed:,.0f} orders/s sequential over HTTP, wrk as the client (goal 500), "
              f"server CPU {cpu_ms:.2f} ms per order{' ' + str(errors) if errors else ''}")

        for product_id in product_ids:
            client.request("POST", "/add_to_basket/", [("product_id", product_id)])
        _, _, basket = client.request("GET", "/basket/")
        assert basket.count('name="quantity_') == 3, "the basket should have 3 lines"
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        out = subprocess.run(["wrk", "-t2", "-c32", f"-d{DURATION}", "--latency", "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}/basket/"],
                             capture_output=True, text=True).stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
        p99 = re.search(r"99%\s+(\S+)", out).group(1)
        errors = re.findall(r"(Non-2xx.*|Socket errors.*)", out)
        print(f"/basket/ with 3 lines (signed in): {float(rps):,.0f} requests/s, p99 {p99} (goal 8,000){' ' + str(errors) if errors else ''}")
    finally:
        server.terminate()
        server.wait()
