import Foundation
import GRDB
import Prometheus
import Synchronization

/// The shop's Prometheus metrics (swift-prometheus), for `/metrics`.
///
/// Requests are counted by method, route pattern (never the raw path, so the label set stays
/// bounded) and status, and timed per route in a histogram. Everything else is read when
/// Prometheus scrapes: page-cache hits and misses, how long a write waited for SQLite's one
/// writer just now, the outbox, sessions, chat sockets, the newest backup's age.
final class ShopMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let requests = Mutex<[RequestKey: Prometheus.Counter]>([:])
    private let latencies = Mutex<[String: DurationHistogram]>([:])
    private let pageCacheSeen = Mutex<(hits: Int, misses: Int)>((0, 0))
    private let pageCacheHits: Prometheus.Counter
    private let pageCacheMisses: Prometheus.Counter
    private let writeWait: Gauge
    private let outboxPending: Gauge
    private let outboxFailed: Gauge
    private let sessions: Gauge
    private let chatSockets: Gauge
    private let backupAge: Gauge
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    private struct RequestKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    init() {
        pageCacheHits = registry.makeCounter(name: "booktime_page_cache_hits_total", help: "Rendered pages answered from memory.")
        pageCacheMisses = registry.makeCounter(name: "booktime_page_cache_misses_total", help: "Rendered pages that had to be rendered.")
        writeWait = registry.makeGauge(name: "booktime_db_write_wait_seconds", help: "How long a write waited for SQLite's writer at the last scrape.")
        outboxPending = registry.makeGauge(name: "booktime_outbox_pending", help: "Emails waiting to be sent.")
        outboxFailed = registry.makeGauge(name: "booktime_outbox_failed", help: "Emails given up on after every retry.")
        sessions = registry.makeGauge(name: "booktime_sessions_active", help: "Sessions that have not expired.")
        chatSockets = registry.makeGauge(name: "booktime_chat_sockets_open", help: "Open customer-service chat sockets.")
        backupAge = registry.makeGauge(name: "booktime_backup_age_seconds", help: "Age of the newest scheduled backup (-1: none, or backups are off).")
    }

    /// One answered request.
    func record(method: String, route: String, status: Int, duration: Duration) {
        let key = RequestKey(method: method, route: route, status: status)
        let counter = requests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                name: "booktime_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))],
                help: "Requests answered, by method, route pattern and status."
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
        let histogram = latencies.withLock { histograms in
            if let histogram = histograms[route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                name: "booktime_http_request_duration_seconds", labels: [("route", route)], buckets: Self.latencyBuckets,
                help: "Time from a request's head to its response, by route pattern."
            )
            histograms[route] = histogram
            return histogram
        }
        histogram.record(duration)
    }

    /// Reads the scrape-time values, then writes the Prometheus text.
    func scrape(db: AppDatabase, pageCaches: [PageCache], chatSockets openSockets: Int, backups: BackupSettings?) async throws -> [UInt8] {
        let hits = pageCaches.map(\.hits).reduce(0, +)
        let misses = pageCaches.map(\.misses).reduce(0, +)
        let (newHits, newMisses) = pageCacheSeen.withLock { seen in
            defer { seen = (hits, misses) }
            return (max(0, hits - seen.hits), max(0, misses - seen.misses))
        }
        pageCacheHits.increment(by: Int64(newHits))
        pageCacheMisses.increment(by: Int64(newMisses))

        let asked = ContinuousClock.now
        let waited = try await db.dbWriter.writeWithoutTransaction { _ in ContinuousClock.now - asked }
        writeWait.set(Double(waited.components.attoseconds) / 1e18 + Double(waited.components.seconds))
        let (pending, failed, active) = try await db.reader.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM emailOutbox WHERE status = 'pending'") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM emailOutbox WHERE status = 'failed'") ?? 0,
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM persist WHERE key LIKE 'hbs.%' AND (expiresAt IS NULL OR expiresAt > ?)", arguments: [DatabaseDate(.now)]
                ) ?? 0
            )
        }
        outboxPending.set(Double(pending))
        outboxFailed.set(Double(failed))
        sessions.set(Double(active))
        chatSockets.set(Double(openSockets))
        backupAge.set(backups.flatMap { Backups.list(in: $0.directory).first }.map { Date.now.timeIntervalSince($0.date) } ?? -1)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}
