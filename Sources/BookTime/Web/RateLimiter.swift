import Foundation
import Synchronization

/// Counts events per key in a sliding window, in process memory (one binary, no Redis).
///
/// Bounded: past `capacity` keys the stale ones are dropped first, then the oldest half, so a
/// flood of distinct keys cannot grow it without limit.
public final class RateLimiter: Sendable {
    public let limit: Int
    public let window: Duration
    let capacity: Int
    private let clock: @Sendable () -> Date
    private let events = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: Duration, capacity: Int = 50_000, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self.clock = clock
    }

    /// Records one event for `key`; false when `key` already had `limit` events in the window.
    public func allow(_ key: String) -> Bool {
        let now = clock()
        return events.withLock { events in
            var recent = Self.recent(events[key] ?? [], now: now, window: window)
            guard recent.count < limit else {
                events[key] = recent
                return false
            }
            recent.append(now)
            if events[key] == nil, events.count >= capacity { Self.shrink(&events, now: now, window: window, capacity: capacity) }
            events[key] = recent
            return true
        }
    }

    /// Whether `key` is at its limit now, without recording anything.
    public func isLimited(_ key: String) -> Bool {
        let now = clock()
        return events.withLock { Self.recent($0[key] ?? [], now: now, window: window).count >= limit }
    }

    /// Records an event without asking (a failed sign-in counted against an account).
    public func record(_ key: String) {
        _ = allow(key)
    }

    /// Forgets `key` (a successful sign-in clears its failures).
    public func reset(_ key: String) {
        _ = events.withLock { $0.removeValue(forKey: key) }
    }

    /// When the oldest counted event leaves the window: how long a limited client should wait.
    public func retryAfter(_ key: String) -> Duration {
        let now = clock()
        return events.withLock { events in
            guard let oldest = Self.recent(events[key] ?? [], now: now, window: window).first else { return .zero }
            return .seconds(max(1, Int((oldest.timeIntervalSince(now) + window.timeInterval).rounded(.up))))
        }
    }

    var keyCount: Int { events.withLock { $0.count } }

    private static func recent(_ times: [Date], now: Date, window: Duration) -> [Date] {
        let start = now.addingTimeInterval(-window.timeInterval)
        return times.filter { $0 > start }
    }

    private static func shrink(_ events: inout [String: [Date]], now: Date, window: Duration, capacity: Int) {
        let start = now.addingTimeInterval(-window.timeInterval)
        events = events.filter { $0.value.last.map { $0 > start } ?? false }
        if events.count >= capacity {
            let keep = events.sorted { ($0.value.last ?? now) > ($1.value.last ?? now) }.prefix(events.count / 2)
            events = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
