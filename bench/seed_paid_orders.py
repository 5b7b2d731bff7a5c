#!/usr/bin/env python3
"""Adds paid orders straight to a BookTime database (for benchmarks and the API fuzzer).

    python3 bench/seed_paid_orders.py DB EMAIL [ORDERS] [LINES]

ORDERS paid orders (default 3) of LINES lines each (default 2) for the user with EMAIL, from the
catalogue's first products, each line New (10), one copy at 10.00.
"""
import sqlite3, sys

path, email = sys.argv[1], sys.argv[2]
orders = int(sys.argv[3]) if len(sys.argv) > 3 else 3
lines = int(sys.argv[4]) if len(sys.argv) > 4 else 2
db = sqlite3.connect(path)
user = db.execute("SELECT id FROM user WHERE email = ?", (email,)).fetchone()[0]
products = [row[0] for row in db.execute("SELECT id FROM product ORDER BY id LIMIT ?", (orders * lines,))]
for n in range(orders):
    db.execute(
        "INSERT INTO shopOrder (userId, status, billingName, billingAddress1, billingAddress2, billingZipCode, billingCity, billingCountry,"
        " shippingName, shippingAddress1, shippingAddress2, shippingZipCode, shippingCity, shippingCountry, dateAdded, dateUpdated)"
        " VALUES (?, 20, 'Jo Bloggs', '1 the road', '', 'LC11RA', 'Smithland', 'uk', 'Jo Bloggs', '1 the road', '', 'LC11RA', 'Smithland', 'uk',"
        " '2026-01-01 10:00:00.000', '2026-01-01 10:00:00.000')", (user,))
    order = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    for k in range(lines):
        product = products[(n * lines + k) % len(products)]
        db.execute("INSERT INTO orderLine (orderId, productId, status, quantity, unitPrice) VALUES (?, ?, 10, 1, 1000)", (order, product))
db.commit()
print(f"{orders} paid orders of {lines} lines for {email}")
