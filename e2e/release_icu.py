#!/usr/bin/env python3
"""The release binary carries ICU's data cut to root and English (scripts/icu-data.py). This drives
every path of the shop that asks ICU for data, through the binary's own commands and pages, and
checks the answers are the ones full ICU gives:

- slugs of accented titles (a transliterator: "Émile et l’Été" -> emile-et-lete), on import;
- search that ignores accents ("emile" and "Émile" find it);
- a scheduled backup's name (a DateFormatter, en_US_POSIX, UTC);
- an email's Date header (English day and month names), caught by an SMTP sink on loopback;
- the JSON API's dates (ISO8601DateFormatter: RFC 3339 with its `Z`, which reads the zone data);
- the import's progress line on a terminal (numbers grouped for the server's locale: "1,500"),
  under an English locale and, without failing, a German one (which falls back to root's "1,500").

    python3 e2e/release_icu.py     # dist/booktime, or BOOKTIME_E2E_BINARY (set by e2e/run.sh)

e2e/run.sh runs it with the browser tests; it takes no screenshots (their folder, passed to every
script, is ignored).
"""
import base64
import datetime
import email.utils
import http.cookiejar
import json
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROWS = 1500
ACCENTED = [("Émile et l’Été", "emile-et-lete"), ("Brontë’s Moors", "brontes-moors"), ("Ça va, Ångström", "ca-va-angstrom")]


def fail(message):
    sys.exit(f"release ICU: FAILED: {message}")


def get(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        fail(f"GET {getattr(url, 'full_url', url)} answered {error.code}")


def write_catalogue(path):
    with open(path, "w", encoding="utf-8") as file:
        file.write("name,description,tags,image_filename,price\n")
        for title, _ in ACCENTED:
            file.write(f'"{title}",A novel,fiction,,12.50\n')
        for number in range(ROWS - len(ACCENTED)):
            file.write(f"Filler {number:05d},Plain,filler,,3.00\n")


def import_on_a_terminal(shop_binary, csv, db, language):
    """Runs import-products with standard error on a pseudo-terminal; returns what it printed there."""
    controller, terminal = pty.openpty()
    environment = dict(os.environ, LANG=language, LC_ALL=language)
    process = subprocess.Popen([shop_binary, "import-products", csv, "--db", db], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=terminal, env=environment)
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            process.kill()
            fail(f"import-products under {language} printed nothing for 60 s")
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    if process.wait() != 0:
        fail(f"import-products under {language} exited {process.returncode}: {output.decode(errors='replace')}")
    return output.decode(errors="replace")


class SMTPSink:
    """Enough of an SMTP server on loopback to take one message at a time (no TLS offered)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.messages = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            connection, _ = self.server.accept()
            with connection, connection.makefile("rb") as reader:
                connection.sendall(b"220 sink ESMTP\r\n")
                for line in reader:
                    command = line.decode().strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        connection.sendall(b"250 sink\r\n")
                    elif command == "DATA":
                        connection.sendall(b"354 go on\r\n")
                        body = b""
                        for data in reader:
                            if data == b".\r\n":
                                break
                            body += data
                        self.messages.append(body.decode())
                        connection.sendall(b"250 queued\r\n")
                    elif command == "QUIT":
                        connection.sendall(b"221 bye\r\n")
                        break
                    else:
                        connection.sendall(b"250 ok\r\n")


def main():
    shop_binary = os.path.abspath(os.environ.get("BOOKTIME_E2E_BINARY") or os.path.join(ROOT, "dist", "booktime"))
    if not os.path.isfile(shop_binary) or not os.access(shop_binary, os.X_OK):
        print(f"error: {shop_binary} is missing; run scripts/release.sh first", file=sys.stderr)
        sys.exit(2)
    work = tempfile.mkdtemp(prefix="booktime-icu-")
    try:
        check(shop_binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(shop_binary, work):
    csv = os.path.join(work, "catalogue.csv")
    write_catalogue(csv)

    english = import_on_a_terminal(shop_binary, csv, os.path.join(work, "english.db"), "en_GB.UTF-8")
    if "1,500 of 1,500 rows" not in english:
        fail(f"the progress line under en_GB does not group thousands as 1,500: {english!r}")
    german = import_on_a_terminal(shop_binary, csv, os.path.join(work, "german.db"), "de_DE.UTF-8")
    if not re.search(r"1[.,]500 of 1[.,]500 rows", german):
        fail(f"the progress line under de_DE is not a number: {german!r}")

    password = "a long enough phrase for ICU"
    for role in ("customer", "dispatcher"):
        subprocess.run([shop_binary, "createuser", "--db", os.path.join(work, "english.db"), "--email", f"{role}@icu.local", "--role", role,
                        "--password-stdin"], input=password + "\n", text=True, check=True, capture_output=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "seed_paid_orders.py"), os.path.join(work, "english.db"), "customer@icu.local", "1", "1"],
                   check=True, capture_output=True)

    # A backup made at start is named for the UTC day then (which may be today or, at midnight, tomorrow).
    days = {datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")}
    sink = SMTPSink()
    backups = os.path.join(work, "backups")
    environment = dict(os.environ, BOOKTIME_SMTP_URL=f"smtp://127.0.0.1:{sink.port}")
    process = subprocess.Popen([shop_binary, "serve", "--port", "0", "--db", os.path.join(work, "english.db"), "--backup-dir", backups],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    try:
        url = None
        for line in process.stdout:
            match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
            if match and "running" in line:
                url = match.group(1)
                break
        if not url:
            fail("the shop did not start")
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()

        for title, slug in ACCENTED:
            if title.encode() not in get(f"{url}/product/{slug}/"):
                fail(f"/product/{slug}/ does not show {title}")
        for query in ["emile", "Émile", "EMILE", "ete"]:
            if b"/product/emile-et-lete/" not in get(f"{url}/search/?q={urllib.parse.quote(query)}"):
                fail(f"searching {query!r} does not find “Émile et l’Été”")

        basic = base64.b64encode(f"dispatcher@icu.local:{password}".encode()).decode()
        orders = json.loads(get(urllib.request.Request(f"{url}/api/orders/", headers={"Authorization": f"Basic {basic}"})))["results"]
        if not orders:
            fail("the API lists no orders")
        for order in orders:
            for field in ("date_added", "date_updated"):
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})", order[field]):
                    fail(f"the API's {field} is not an RFC 3339 date-time: {order[field]!r}")

        deadline = time.time() + 20
        names = []
        while time.time() < deadline and not names:
            names = [name for name in os.listdir(backups) if re.fullmatch(r"booktime-\d{8}-\d{6}\.db", name)] if os.path.isdir(backups) else []
            time.sleep(0.2)
        days.add(datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d"))
        if not names or names[0][len("booktime-") : len("booktime-") + 8] not in days:
            fail(f"no backup named for today (UTC) in {backups}: {os.listdir(backups) if os.path.isdir(backups) else 'no folder'}")

        cookies = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        page = opener.open(f"{url}/contact-us/").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]*)"', page)
        if not token:
            fail("the contact form has no CSRF token")
        form = urllib.parse.urlencode({"csrf_token": token.group(1), "name": "Anne Elliot", "email": "anne@example.com", "message": "Hello"}).encode()
        request = urllib.request.Request(f"{url}/contact-us/", data=form, headers={"Origin": url})
        opener.open(request).read()
        deadline = time.time() + 30
        while time.time() < deadline and not sink.messages:
            time.sleep(0.2)
        if not sink.messages:
            fail("no email reached the SMTP sink within 30 s")
        date = re.search(r"^Date: (.+?)\r?$", sink.messages[0], re.MULTILINE)
        if not date or not re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", date.group(1)):
            fail(f"the email's Date header is not RFC 5322 with English names: {date.group(1) if date else 'none'}")
        sent = email.utils.parsedate_to_datetime(date.group(1))
        if abs((datetime.datetime.now(datetime.timezone.utc) - sent).total_seconds()) > 300:
            fail(f"the email's Date header is not now: {date.group(1)}")
    finally:
        process.terminate()
        process.wait()
    print(f"release ICU: passed (slugs, accent-blind search, API dates like {orders[0]['date_added']}, backup name {names[0]}, "
          f"Date: {date.group(1)}, progress under en_GB and de_DE)")


if __name__ == "__main__":
    main()
