#!/usr/bin/env python3
"""Crash safety, proven: checkouts and back-office edits under way, the shop killed with SIGKILL
at random moments, restarted, and the database checked against what clients were told.

    BINARY=dist/booktime python3 bench/crash.py [--rounds 20] [--customers 6] [--seed N]

Each round starts the binary on the same database, lets the customers place orders over HTTP
(add to basket, then place the order; the 303 is the acknowledgement) while a dispatcher edits
paid orders' shipping names through the dispatch API (the 200 is the acknowledgement), kills the
process with SIGKILL after a random 0.5-4 s, starts it again and checks:
  - every acknowledged checkout is an order with all its lines (product and quantity), its
    "placed" history entry and its confirmation email;
  - every order in the file (acknowledged or cut off) is whole: lines, history, email;
  - no basket is SUBMITTED without an order;
  - stock equals the initial count minus the copies in order lines;
  - every acknowledged shipping-name edit is there (or the one in flight at the kill);
  - PRAGMA integrity_check is ok.
Exits 1 on any loss (`--sabotage` deletes an order after the first round, to see it do so).
`.ci/run` runs 5 rounds.
"""
import argparse, base64, html, http.client, urllib.parse, json, os, random, re, signal, sqlite3, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "crash test phrase 4"
INITIAL_STOCK = 100_000
PRODUCTS = 12
NOW = "2026-01-01 10:00:00.000"


class Client:
    """A browser enough for the shop: cookies, the CSRF token (the cookie's value, as the form's)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            form = dict(form, csrf_token=self.cookies.get("csrftoken", ""))
            body = "&".join(f"{k}={urllib.parse.quote(str(v))}" for k, v in form.items())
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data


class Shop:
    def __init__(self, binary, db):
        self.binary, self.db, self.process, self.port = binary, db, None, None

    def start(self):
        self.process = subprocess.Popen([self.binary, "serve", "--port", "0", "--db", self.db],
                                        env=dict(os.environ, BOOKTIME_LOG_LEVEL="warning"),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match and "running" in line:
                self.port = int(match.group(1))
                threading.Thread(target=lambda p=self.process: [None for _ in p.stdout], daemon=True).start()
                return
        sys.exit("the shop did not start:\n" + (self.process.stdout.read() if self.process.stdout else ""))

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.terminate()
        self.process.wait()


def prepare(binary, db, customers):
    subprocess.run([binary, "demo", db], check=True, capture_output=True)
    for n in range(customers):
        subprocess.run([binary, "createuser", "--email", f"crash{n}@example.com", "--role", "customer", "--password-stdin", "--db", db],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    subprocess.run([binary, "createuser", "--email", "dispatch@example.com", "--role", "dispatcher", "--password-stdin", "--db", db],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    connection = sqlite3.connect(db)
    products = [row[0] for row in connection.execute("SELECT id FROM product WHERE active = 1 ORDER BY id LIMIT ?", (PRODUCTS,))]
    connection.executemany("UPDATE product SET stockCount = ?, inStock = 1 WHERE id = ?", [(INITIAL_STOCK, p) for p in products])
    for n in range(customers):
        user = connection.execute("SELECT id FROM user WHERE email = ?", (f"crash{n}@example.com",)).fetchone()[0]
        connection.execute("INSERT INTO address (userId, name, address1, address2, zipCode, city, country) VALUES (?, 'Crash Tester', '1 the road', '', 'LC11RA', 'Smithland', 'uk')", (user,))
    # Paid orders for the dispatcher to edit (their lines take no stock: the products are others).
    owner = connection.execute("SELECT id FROM user WHERE email = 'dispatch@example.com'").fetchone()[0]
    other = connection.execute("SELECT id FROM product ORDER BY id DESC LIMIT 1").fetchone()[0]
    edited = []
    for _ in range(5):
        connection.execute(
            "INSERT INTO shopOrder (userId, status, billingName, billingAddress1, billingAddress2, billingZipCode, billingCity, billingCountry,"
            " shippingName, shippingAddress1, shippingAddress2, shippingZipCode, shippingCity, shippingCountry, dateAdded, dateUpdated)"
            " VALUES (?, 20, 'Jo', '1 the road', '', 'LC11RA', 'Smithland', 'uk', 'Jo', '1 the road', '', 'LC11RA', 'Smithland', 'uk', ?, ?)",
            (owner, NOW, NOW))
        order = connection.execute("SELECT last_insert_rowid()").fetchone()[0]
        connection.execute("INSERT INTO orderLine (orderId, productId, status, quantity, unitPrice) VALUES (?, ?, 10, 1, 1000)", (order, other))
        connection.execute("INSERT INTO orderHistory (orderId, toStatus, changedAt) VALUES (?, 20, ?)", (order, NOW))
        connection.execute("INSERT INTO emailOutbox (toAddress, fromAddress, subject, body, nextAttemptAt, createdAt) VALUES ('x@example.com', 'shop@example.com', ?, '', ?, ?)",
                           (f"Your BookTime order BT{order}", NOW, NOW))
        edited.append(order)
    connection.commit()
    connection.close()
    return products, edited


def customer(shop, client, products, acknowledged, stop, rng):
    """Orders until stopped: 1-3 titles, 1-3 copies each; records what the 303 acknowledged: the
    lines the review page showed (a basket cut off by a kill carries over into the next order)."""
    while not stop.is_set():
        try:
            for product in rng.sample(products, rng.randint(1, 3)):
                status, _, _ = client.request("POST", "/add_to_basket/", form={"product_id": product, "quantity": rng.randint(1, 3)})
                if status not in (303, 409):  # 409: the basket already holds the most copies allowed
                    raise RuntimeError(f"add to basket answered {status}")
            status, _, page = client.request("GET", "/order/address_select/")
            lines = {html.unescape(name): int(quantity) for name, quantity in
                     re.findall(r'<td data-label="Book">(.*?)</td><td data-label="Quantity" class="numeric">(\d+)</td>', page)}
            address = re.search(r'name="billing_address".*?<option value="(\d+)"', page, re.S).group(1)
            status, headers, _ = client.request("POST", "/order/address_select/", form={"billing_address": address, "shipping_address": address})
            if status == 303 and headers.get("location", "").startswith("/order/done/"):
                acknowledged.append(lines)
        except (OSError, http.client.HTTPException, AttributeError, RuntimeError):
            if stop.is_set():
                return
            time.sleep(0.05)


def dispatcher(shop, orders, edits, stop, rng):
    """Renames the shipping addressee of paid orders through the dispatch API, one at a time."""
    auth = "Basic " + base64.b64encode(f"dispatch@example.com:{PASSWORD}".encode()).decode()
    client = Client(shop.port)
    n = 0
    while not stop.is_set():
        order = rng.choice(orders)
        name = f"Edited {time.time_ns()}"
        n += 1
        edits[order]["pending"] = name
        try:
            status, _, _ = client.request("PATCH", f"/api/orders/{order}/", headers={"Authorization": auth, "Content-Type": "application/json"},
                                          body=json.dumps({"shipping_name": name}))
            if status == 200:
                edits[order]["acknowledged"] = name
                edits[order]["pending"] = None
        except (OSError, http.client.HTTPException):
            if stop.is_set():
                return
            time.sleep(0.05)


def verify(db, customers, acknowledged, edits):
    problems = []
    connection = sqlite3.connect(db)
    if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check is not ok")
    names = {product: name for product, name in connection.execute("SELECT id, name FROM product")}
    lines_of, placed, mailed = {}, set(), set()
    for order, product, quantity in connection.execute("SELECT orderId, productId, quantity FROM orderLine"):
        lines_of.setdefault(order, {})[names[product]] = quantity
    for (order,) in connection.execute("SELECT DISTINCT orderId FROM orderHistory WHERE orderLineId IS NULL"):
        placed.add(order)
    for (subject,) in connection.execute("SELECT subject FROM emailOutbox"):
        mailed.update(int(number) for number in re.findall(r"BT(\d+)", subject))
    orders = {}
    for order, email in connection.execute("SELECT o.id, u.email FROM shopOrder o JOIN user u ON u.id = o.userId WHERE u.email LIKE 'crash%'"):
        lines = lines_of.get(order, {})
        if not lines:
            problems.append(f"order {order} has no lines")
        if order not in placed:
            problems.append(f"order {order} has no history")
        if order not in mailed:
            problems.append(f"order {order} has no confirmation email")
        orders.setdefault(email, []).append(lines)
    acknowledged_count = 0
    for n in range(customers):
        email = f"crash{n}@example.com"
        found = list(orders.get(email, []))
        for lines in acknowledged[n]:
            acknowledged_count += 1
            if lines in found:
                found.remove(lines)
            else:
                problems.append(f"{email}: an acknowledged order of {lines} is missing")
    submitted = connection.execute(
        "SELECT COUNT(*) FROM basket b WHERE b.status = 20 AND NOT EXISTS (SELECT 1 FROM shopOrder o WHERE o.basketId = b.id)").fetchone()[0]
    if submitted:
        problems.append(f"{submitted} submitted baskets without an order")
    for product, stock, sold in connection.execute(
            "SELECT p.id, p.stockCount, (SELECT IFNULL(SUM(l.quantity), 0) FROM orderLine l JOIN shopOrder o ON o.id = l.orderId"
            " JOIN user u ON u.id = o.userId WHERE l.productId = p.id AND u.email LIKE 'crash%') FROM product p WHERE p.stockCount IS NOT NULL AND p.stockCount > 1000"):
        if stock != INITIAL_STOCK - sold:
            problems.append(f"product {product}: stock {stock}, expected {INITIAL_STOCK} - {sold}")
    for order, edit in edits.items():
        name = connection.execute("SELECT shippingName FROM shopOrder WHERE id = ?", (order,)).fetchone()[0]
        allowed = {edit["acknowledged"], edit["pending"]} - {None}
        if allowed and name not in allowed:
            problems.append(f"order {order}: shipping name {name!r}, acknowledged {edit['acknowledged']!r}")
    connection.close()
    return problems, acknowledged_count, sum(len(v) for v in orders.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--customers", type=int, default=6)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--sabotage", action="store_true", help="delete an acknowledged order after round 1, to see the check fail")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    binary = os.environ.get("BINARY", os.path.join(ROOT, "dist/booktime"))
    directory = tempfile.mkdtemp(prefix="booktime-crash-")
    db = os.path.join(directory, "crash.db")
    products, edited = prepare(binary, db, args.customers)
    shop = Shop(binary, db)
    shop.start()
    clients = []
    for n in range(args.customers):
        client = Client(shop.port)
        client.request("GET", "/login/")
        status, _, _ = client.request("POST", "/login/", form={"email": f"crash{n}@example.com", "password": PASSWORD})
        assert status == 303, f"sign-in answered {status}"
        clients.append(client)
    acknowledged = [[] for _ in range(args.customers)]
    edits = {order: {"acknowledged": None, "pending": None} for order in edited}
    total_problems = []
    print(f"crash: {args.rounds} rounds, {args.customers} customers and a dispatcher, seed {args.seed}, database {db}")
    for round_number in range(1, args.rounds + 1):
        for client in clients:
            client.port = shop.port
        stop = threading.Event()
        threads = [threading.Thread(target=customer, args=(shop, clients[n], products, acknowledged[n], stop, random.Random(rng.random())))
                   for n in range(args.customers)]
        threads.append(threading.Thread(target=dispatcher, args=(shop, edited, edits, stop, random.Random(rng.random()))))
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.5, 4.0))
        stop.set()
        shop.kill()
        for thread in threads:
            thread.join()
        shop.start()
        if args.sabotage and round_number == 1:
            connection = sqlite3.connect(db)
            connection.execute("DELETE FROM shopOrder WHERE id = (SELECT MAX(o.id) FROM shopOrder o JOIN user u ON u.id = o.userId WHERE u.email LIKE 'crash%')")
            connection.commit()
            connection.close()
        problems, acknowledged_count, orders = verify(db, args.customers, acknowledged, edits)
        print(f"  round {round_number}: killed; {acknowledged_count} checkouts acknowledged so far, {orders} orders in the file, "
              f"{len(problems)} problems")
        for problem in problems[:10]:
            print("    " + problem)
        total_problems += problems
    shop.stop()
    check = subprocess.run([binary, "check", "--db", db], capture_output=True, text=True)
    print(f"booktime check: exit {check.returncode}")
    if total_problems or check.returncode != 0:
        print(f"crash: FAILED with {len(total_problems)} problems")
        sys.exit(1)
    print(f"crash: passed: {args.rounds} SIGKILLs, {acknowledged_count} acknowledged checkouts, none lost")


if __name__ == "__main__":
    main()
