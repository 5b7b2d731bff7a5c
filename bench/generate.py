#!/usr/bin/env python3
"""Fills a migrated BookTime database with N generated products for benchmarks (not the demo).

    booktime migrate --db bench.db && bench/generate.py bench.db 10000

Products get pseudo-random titles, authors, descriptions, prices and 1-3 of 30 tags; inserts go
through the schema's own triggers, so the FTS index is built exactly as the shop builds it.
"""
import random
import sqlite3
import sys

WORDS = ("garden river winter shadow letter island voyage house secret silver night crown stone "
         "storm harbour mountain lantern orchard meadow castle forest journey mirror north south "
         "empire whale tower glass candle thunder valley city ocean desert bridge clock feather").split()
FIRST = "Anne Thomas Mary George Emily Charles Jane Henry Alice Walter Edith Joseph Louisa Mark".split()
LAST = "Austen Hardy Eliot Dickens Bronte Twain Wharton Conrad Melville Gaskell Collins Scott Shelley Kipling".split()
TAGS = ["Subject %02d" % i for i in range(30)]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: generate.py DB COUNT")
    path, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(42)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    with db:
        for name in TAGS:
            db.execute("INSERT OR IGNORE INTO productTag (name, slug, description, active) VALUES (?, ?, '', 1)",
                       (name, name.lower().replace(" ", "-")))
        tag_ids = [row[0] for row in db.execute("SELECT id FROM productTag ORDER BY id")]
        for i in range(count):
            title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(2, 5)))
            name = "%s %d" % (title, i)
            description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 80))).capitalize() + "."
            cur = db.execute(
                "INSERT INTO product (name, slug, author, description, price, active, inStock, dateUpdated) "
                "VALUES (?, ?, ?, ?, ?, ?, 1, datetime('now'))",
                (name, "bench-%d" % i, "%s %s" % (rng.choice(FIRST), rng.choice(LAST)), description,
                 rng.randint(299, 2999), 0 if rng.random() < 0.05 else 1))
            for tag in rng.sample(tag_ids, rng.randint(1, 3)):
                db.execute("INSERT INTO productTagLink (productId, productTagId) VALUES (?, ?)", (cur.lastrowid, tag))
    db.execute("PRAGMA optimize")
    db.close()
    print("generated %d products in %s" % (count, path))


if __name__ == "__main__":
    main()
