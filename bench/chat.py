#!/usr/bin/env python3
"""The chat under load: many sockets in many rooms, each sending a message a second.

    BINARY=dist/booktime python3 bench/chat.py [--sockets 1000] [--rooms 100] [--seconds 60]
                                              [--idle 5000] [--workers 2]

Builds a demo database with one customer per room (owning the room's order) and employees for
the other sockets, each with a device token, starts the binary on it, and opens the sockets with
`?token=` (pip's `websockets`, installed when missing). Every socket sends one message a second
(at its own phase) for --seconds; every socket in the room must receive it. Reports delivery
latency p50/p99/max (send to receipt, same clock), messages lost, and the server's RSS and CPU
(from /proc). Then holds --idle sockets open, heartbeating, and reports RSS again. Client work is
spread over --workers processes so the client is not what is measured.
"""
import argparse, asyncio, hashlib, json, multiprocessing, os, random, re, resource, secrets, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOW = "2026-01-01 10:00:00.000"


def ensure_websockets():
    try:
        import websockets  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "websockets"], check=True)


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def seed(db_path, rooms, employees):
    """Customers (one order each) and employees, with a token each: [(room, key)] per user kind."""
    db = sqlite3.connect(db_path)
    group = db.execute("SELECT id FROM userGroup WHERE name = 'Employees'").fetchone()[0]
    def user(email, staff):
        db.execute("INSERT INTO user (email, passwordHash, firstName, lastName, isActive, isStaff, isSuperuser, dateJoined)"
                   " VALUES (?, 'x', 'Bench', ?, 1, ?, 0, ?)", (email, email.split("@")[0], staff, NOW))
        uid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        key = secrets.token_hex(20)
        db.execute("INSERT INTO apiToken (userId, keyHash, device, createdAt) VALUES (?, ?, 'bench', ?)",
                   (uid, hashlib.sha256(key.encode()).hexdigest(), NOW))
        return uid, key
    customers, staff = [], []
    for r in range(rooms):
        uid, key = user(f"customer{r}@bench.test", 0)
        db.execute(
            "INSERT INTO shopOrder (userId, status, billingName, billingAddress1, billingAddress2, billingZipCode, billingCity, billingCountry,"
            " shippingName, shippingAddress1, shippingAddress2, shippingZipCode, shippingCity, shippingCountry, dateAdded, dateUpdated)"
            " VALUES (?, 20, 'Jo', '1 the road', '', 'LC11RA', 'Smithland', 'uk', 'Jo', '1 the road', '', 'LC11RA', 'Smithland', 'uk', ?, ?)",
            (uid, NOW, NOW))
        customers.append((db.execute("SELECT last_insert_rowid()").fetchone()[0], key))
    for e in range(employees):
        uid, key = user(f"employee{e}@bench.test", 1)
        db.execute("INSERT INTO userGroupMembership (userId, userGroupId) VALUES (?, ?)", (uid, group))
        staff.append(key)
    db.commit()
    return customers, staff


def proc_stats(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) * 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, cpu


def worker(url, plan, seconds, start_at, results):
    """Runs this worker's sockets: `plan` is [(socket id, room, key, room size)]."""
    import websockets
    from websockets.asyncio.client import connect
    raise_open_files()

    async def main():
        latencies, received, sent, expected, errors = [], 0, 0, 0, []
        sockets = []
        gate = asyncio.Semaphore(50)

        async def open_one(entry):
            sid, room, key, size = entry
            async with gate:
                ws = await connect(f"{url}/ws/customer-service/{room}/?token={key}", max_queue=None, ping_interval=None,
                                   open_timeout=60)
            sockets.append((entry, ws))

        await asyncio.gather(*(open_one(e) for e in plan))
        # Everyone is connected once the start time comes (the parent waits for every worker).
        results.put(("connected", len(sockets)))
        await asyncio.sleep(max(0, start_at.value - time.time()) if start_at.value else 0)
        while not start_at.value:
            await asyncio.sleep(0.05)
        await asyncio.sleep(max(0, start_at.value - time.time()))
        end = start_at.value + seconds

        async def reader(ws):
            nonlocal received
            try:
                async for text in ws:
                    if '"chat_message"' not in text:
                        continue
                    frame = json.loads(text)
                    body = frame.get("message", "")
                    if body.startswith("bench "):
                        latencies.append(time.time_ns() - int(body.split()[2]))
                        received += 1
            except websockets.ConnectionClosed:
                pass

        async def writer(entry, ws):
            nonlocal sent, expected
            sid, room, key, size = entry
            await asyncio.sleep(random.random())
            next_at = time.time()
            seq = 0
            while next_at < end:
                try:
                    await ws.send(json.dumps({"type": "message", "message": f"bench {sid}:{seq} {time.time_ns()}"}))
                except websockets.ConnectionClosed as error:
                    errors.append(str(error))
                    return
                sent += 1
                expected += size
                seq += 1
                next_at += 1.0
                await asyncio.sleep(max(0, next_at - time.time()))

        readers = [asyncio.create_task(reader(ws)) for _, ws in sockets]
        await asyncio.gather(*(writer(entry, ws) for entry, ws in sockets))
        await asyncio.sleep(3)  # let the last deliveries land
        for _, ws in sockets:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
        results.put(("done", latencies, received, sent, expected, errors))

    asyncio.run(main())


def idle_worker(url, plan, hold, results):
    import websockets
    from websockets.asyncio.client import connect
    raise_open_files()

    async def main():
        gate = asyncio.Semaphore(100)
        sockets = []

        async def drain(ws):
            try:
                async for _ in ws:
                    pass
            except websockets.ConnectionClosed:
                pass

        async def open_one(room, key):
            async with gate:
                ws = await connect(f"{url}/ws/customer-service/{room}/?token={key}", ping_interval=None, open_timeout=60)
            sockets.append(ws)
            readers.append(asyncio.create_task(drain(ws)))

        readers = []
        await asyncio.gather(*(open_one(room, key) for room, key in plan))
        results.put(("connected", len(sockets)))
        deadline = time.time() + hold
        while time.time() < deadline:
            for ws in sockets:
                await ws.send('{"type":"heartbeat"}')
            await asyncio.sleep(5)
        alive = sum(1 for ws in sockets if ws.state == websockets.protocol.State.OPEN)
        for ws in sockets:
            await ws.close()
        results.put(("done", alive))

    asyncio.run(main())


def percentile(values, fraction):
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ensure_websockets()
    raise_open_files()
    binary = os.environ.get("BINARY", os.path.join(ROOT, "dist/booktime"))
    directory = tempfile.mkdtemp(prefix="booktime-chat-bench-")
    db = os.path.join(directory, "bench.db")
    subprocess.run([binary, "demo", db], check=True, capture_output=True)
    per_room = args.sockets // args.rooms
    customers, staff = seed(db, args.rooms, max(args.rooms * (per_room - 1), 1000))
    server = subprocess.Popen([binary, "serve", "--port", "0", "--db", db], env=dict(os.environ, BOOKTIME_LOG_LEVEL="warning"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = None
    for line in server.stdout:
        match = re.search(r"http://(127\.0\.0\.1:\d+)/", line)
        if match and "running" in line:
            url = "ws://" + match.group(1)
            break
    if not url:
        sys.exit("the shop did not start")
    threading_drain(server)
    try:
        # One customer and per_room - 1 employees per room.
        plan, staff_keys, sid = [], iter(staff), 0
        for room, customer_key in customers:
            plan.append((sid, room, customer_key, per_room)); sid += 1
            for _ in range(per_room - 1):
                plan.append((sid, room, next(staff_keys), per_room)); sid += 1
        random.shuffle(plan)
        results = multiprocessing.Queue()
        start_at = multiprocessing.Value("d", 0.0)
        chunks = [plan[i::args.workers] for i in range(args.workers)]
        workers = [multiprocessing.Process(target=worker, args=(url, chunk, args.seconds, start_at, results)) for chunk in chunks]
        for w in workers:
            w.start()
        connected = sum(results.get(timeout=300)[1] for _ in workers)
        rss_before, cpu_before = proc_stats(server.pid)
        start_at.value = time.time() + 1
        peak_rss = rss_before
        time.sleep(1)
        began = time.time()
        while time.time() < began + args.seconds:
            time.sleep(1)
            peak_rss = max(peak_rss, proc_stats(server.pid)[0])
        rss_after, cpu_after = proc_stats(server.pid)
        wall = time.time() - began
        latencies, received, sent, expected, errors = [], 0, 0, 0, []
        for _ in workers:
            _, lat, rec, snt, exp, err = results.get(timeout=120)
            latencies += lat; received += rec; sent += snt; expected += exp; errors += err
        for w in workers:
            w.join()
        latencies.sort()
        ms = lambda ns: ns / 1e6
        print(f"chat: {connected} sockets in {args.rooms} rooms, {per_room} per room, one message a second each, {args.seconds} s")
        print(f"  messages sent {sent}, deliveries expected {expected}, received {received}, lost {expected - received}"
              + (f", send errors {len(errors)}" if errors else ""))
        print(f"  delivery latency p50 {ms(percentile(latencies, .5)):.1f} ms, p99 {ms(percentile(latencies, .99)):.1f} ms,"
              f" max {ms(latencies[-1]) if latencies else float('nan'):.1f} ms")
        print(f"  server RSS {rss_before / 2**20:.0f} MiB connected, peak {peak_rss / 2**20:.0f} MiB; CPU {(cpu_after - cpu_before) / wall * 100:.0f}% of one core")

        if args.idle:
            users = [(room, key) for room, key in customers] + [(customers[i % len(customers)][0], key) for i, key in enumerate(staff)]
            idle_plan = [users[i % len(users)] for i in range(args.idle)]
            hold = 20
            idle_chunks = [idle_plan[i::args.workers] for i in range(args.workers)]
            idlers = [multiprocessing.Process(target=idle_worker, args=(url, chunk, hold, results)) for chunk in idle_chunks]
            for w in idlers:
                w.start()
            held = sum(results.get(timeout=300)[1] for _ in idlers)
            time.sleep(3)
            rss_idle, _ = proc_stats(server.pid)
            alive = sum(results.get(timeout=300)[1] for _ in idlers)
            for w in idlers:
                w.join()
            print(f"idle: {held} sockets opened, {alive} still open after {hold} s of heartbeats; server RSS {rss_idle / 2**20:.0f} MiB")
    finally:
        server.terminate()
        server.wait()


def threading_drain(process):
    """Keeps reading the server's output so its pipe never fills."""
    import threading
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()


if __name__ == "__main__":
    main()
