#!/usr/bin/env python3
"""Slow and idle clients against the shop: it keeps serving everyone else, and closes them on time.

    python3 bench/slowloris.py                 # 1,000 slow + 5,000 idle connections, 40 s
    python3 bench/slowloris.py --short         # 100 slow + 400 idle, 12 s (run by .ci/run)

Starts dist/booktime (BOOKTIME_BIN to choose) on a fresh database under `ulimit -n 1024` (systemd's
default soft limit; the shop raises it to the hard limit), with the shipped timeouts shortened
(header 3 s, keep-alive 5 s) so a run is short. Then, on loopback only:
- SLOW connections send a request line and one header line every second, never finishing the head
  (slowloris);
- IDLE connections connect and send nothing;
- a well-behaved client fetches /healthz and /products/all/ once every 100 ms throughout.
It prints how many of the held sockets the server closed and how long after opening (they must all
be closed within the header timeout plus a second), and the well-behaved client's successes and
latencies (every request must succeed). Exits 1 otherwise. Every loop is bounded in count and time.
"""
import os, re, resource, selectors, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

short = "--short" in sys.argv
SLOW, IDLE, DURATION = (100, 400, 12) if short else (1000, 5000, 40)
HEADER_TIMEOUT = 3
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("BOOKTIME_BIN", os.path.join(root, "dist", "booktime"))
if not os.path.exists(binary):
    subprocess.run([os.path.join(root, "scripts", "release.sh")], cwd=root, check=True, stdout=subprocess.DEVNULL)

# This client holds SLOW + IDLE sockets.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, SLOW + IDLE + 1000), hard))

scratch = tempfile.mkdtemp(prefix="booktime-slowloris-")
env = dict(os.environ, BOOKTIME_LOG_LEVEL="warning", BOOKTIME_HEADER_TIMEOUT=str(HEADER_TIMEOUT), BOOKTIME_KEEP_ALIVE_TIMEOUT="5")
server = subprocess.Popen(["bash", "-c", 'ulimit -S -n 1024 && exec "$0" serve --port 0 --db "$1"', binary, os.path.join(scratch, "shop.db")],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
port = None
for line in server.stdout:
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if match:
        port = int(match.group(1))
        break
if not port:
    server.kill()
    sys.exit("the shop did not start")
threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

# The well-behaved client, in its own thread for the whole run.
results = []
stop = threading.Event()


def well_behaved():
    paths = ["/healthz", "/products/all/"]
    index = 0
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{paths[index % 2]}", timeout=10) as response:
                response.read()
                results.append((response.status == 200, time.perf_counter() - start))
        except Exception:
            results.append((False, time.perf_counter() - start))
        index += 1
        time.sleep(0.1)


client = threading.Thread(target=well_behaved)
client.start()

selector = selectors.DefaultSelector()
opened = {}
start = time.monotonic()
not_connected = 0
for kind, count in (("slow", SLOW), ("idle", IDLE)):
    for _ in range(count):
        sock = socket.socket()
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", port))
        except OSError:
            # Not taken in (the server's cap, or the kernel's queue): refused cleanly, nothing held.
            not_connected += 1
            sock.close()
            continue
        sock.setblocking(False)
        opened[sock] = (kind, time.monotonic())
        selector.register(sock, selectors.EVENT_READ)
        if kind == "slow":
            try:
                sock.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                pass

closed = {}
next_drip = time.monotonic() + 1
deadline = start + DURATION
while time.monotonic() < deadline and len(closed) < len(opened):
    for key, _ in selector.select(timeout=0.2):
        sock = key.fileobj
        try:
            data = sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            continue
        except OSError:
            data = b""
        if not data:
            kind, opened_at = opened[sock]
            closed[sock] = (kind, time.monotonic() - opened_at)
            selector.unregister(sock)
            sock.close()
    if time.monotonic() >= next_drip:
        next_drip += 1
        for sock, (kind, _) in opened.items():
            if kind == "slow" and sock not in closed:
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    pass

stop.set()
client.join()
server.terminate()
server.wait()
for sock in opened:
    if sock not in closed:
        sock.close()

failed = False
print(f"connections not taken in: {not_connected}")
for kind, _ in (("slow", SLOW), ("idle", IDLE)):
    count = sum(1 for k, _ in opened.values() if k == kind)
    times = sorted(seconds for k, seconds in closed.values() if k == kind)
    still_open = count - len(times)
    late = sum(1 for seconds in times if seconds > HEADER_TIMEOUT + 1 + (IDLE + SLOW) / 2000)
    summary = f"median {statistics.median(times):.1f} s, max {times[-1]:.1f} s" if times else "none closed"
    print(f"{kind:5} connections: {count:5}  closed by the server: {len(times):5}  ({summary}; header timeout {HEADER_TIMEOUT} s)  still open: {still_open}  late: {late}")
    failed = failed or still_open > 0 or late > 0
ok = [seconds for success, seconds in results if success]
print(f"well-behaved client: {len(ok)} of {len(results)} requests answered 200; "
      f"median {statistics.median(ok) * 1000:.1f} ms, max {max(ok) * 1000:.1f} ms" if ok else "well-behaved client: no request succeeded")
failed = failed or not results or len(ok) != len(results)
print("slowloris: " + ("FAILED" if failed else "ok"))
sys.exit(1 if failed else 0)
