import Foundation
import Synchronization
import Testing

@testable import BookTime

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var read: @Sendable () -> Date { { [self] in now.withLock { $0 } } }
}

@Suite struct RateLimiterTests {
    @Test func slidingWindow() {
        let clock = ManualClock()
        let limiter = RateLimiter(limit: 3, window: .seconds(60), clock: clock.read)
        #expect((0..<3).allSatisfy { _ in limiter.allow("ip") })
        #expect(!limiter.allow("ip"))
        #expect(limiter.isLimited("ip"))
        #expect(limiter.allow("other ip"))
        #expect(limiter.retryAfter("ip") == .seconds(60))
        clock.advance(30)
        #expect(!limiter.allow("ip"))
        #expect(limiter.retryAfter("ip") == .seconds(30))
        clock.advance(31)
        #expect(limiter.allow("ip"))
        limiter.reset("ip")
        #expect(!limiter.isLimited("ip"))
    }

    @Test func memoryIsBounded() {
        let clock = ManualClock()
        let limiter = RateLimiter(limit: 1, window: .seconds(60), capacity: 100, clock: clock.read)
        for index in 0..<1000 { _ = limiter.allow("client \(index)") }
        #expect(limiter.keyCount <= 100)
        #expect(limiter.isLimited("client 999"))
    }
}

@Suite struct AuthRateLimitTests {
    /// With the shipped settings: five failures lock the account; fifteen minutes later it opens.
    @Test func defaultAccountLockoutEnds() {
        let clock = ManualClock()
        let limits = AuthRateLimits(config: AppConfiguration(), clock: clock.read)
        let account = limits.accountKey("Owner@Domain.com") + "|203.0.113.9"
        for _ in 0..<5 { limits.failuresPerAccount.record(account) }
        #expect(limits.failuresPerAccount.isLimited(limits.accountKey("owner@domain.com") + "|203.0.113.9"))
        clock.advance(14 * 60)
        #expect(limits.failuresPerAccount.isLimited(account))
        clock.advance(61)
        #expect(!limits.failuresPerAccount.isLimited(account))
    }

    @Test func tooManyAttemptsFromOneAddressGet429() async throws {
        try await withTestApp(configure: { $0.authAttemptsPerMinute = 3 }) { browser, _ in
            // Attempts count before any password is checked, so incomplete forms count too; they
            // also skip bcrypt, which keeps the four attempts inside one minute on a busy machine.
            for _ in 0..<3 {
                #expect(try await browser.logIn("who@domain.com", "").status == .unprocessableContent)
            }
            let limited = try await browser.logIn("who@domain.com", "wrong password here")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "60")
            #expect(limited.text.contains("Too many attempts"))
            #expect(limited.text.contains("Please wait a minute and try again."))
            // Each form counts separately: sign-up is still open.
            #expect(try await browser.get("/signup/").status == .ok)
            for _ in 0..<3 { try await browser.post("/signup/", form: [("email", "x")]) }
            #expect(try await browser.post("/signup/", form: [("email", "x")]).status == .tooManyRequests)
            for _ in 0..<3 { try await browser.post("/password-reset/", form: [("email", "x")]) }
            #expect(try await browser.post("/password-reset/", form: [("email", "x")]).status == .tooManyRequests)
        }
    }

    /// Behind a proxy each client is counted by the address the proxy saw.
    @Test func behindAProxyClientsAreCountedApart() async throws {
        try await withTestApp(configure: { $0.authAttemptsPerMinute = 2; $0.behindHTTPSProxy = true }) { browser, _ in
            for client in ["203.0.113.1", "203.0.113.2"] {
                for _ in 0..<2 {
                    let response = try await browser.post("/signup/", form: [("email", "x")], headers: [.xForwardedFor: "10.0.0.9, \(client)"])
                    #expect(response.status == .unprocessableContent)
                }
            }
            let limited = try await browser.post("/signup/", form: [("email", "x")], headers: [.xForwardedFor: "203.0.113.1"])
            #expect(limited.status == .tooManyRequests)
        }
    }

    /// Five failures lock the account for a while (even with the right password), and other
    /// accounts are unaffected. That the lock ends is `RateLimiterTests.slidingWindow`.
    @Test func failuresLockOneAccountForAWhile() async throws {
        try await withTestApp(configure: { $0.authAttemptsPerMinute = 100 }) { browser, db in
            try await db.users.createUser(email: "owner@domain.com", password: testPassword, role: .owner)
            try await db.users.createUser(email: "other@domain.com", password: testPassword, role: .customer)
            for _ in 0..<5 {
                #expect(try await browser.logIn("owner@domain.com", "wrong password here").status == .unprocessableContent)
            }
            let locked = try await browser.logIn("OWNER@domain.com", testPassword)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.text.contains("too many attempts"))
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter > 0 && retryAfter <= 15 * 60)
            #expect(browser.cookie("booktime_session") == nil)

            let other = TestBrowser(client: browser.client)
            #expect(try await other.logIn("other@domain.com", testPassword).status == .seeOther)
        }
    }

    /// Five wrong passwords from a stranger's address used to lock the real user out for 15
    /// minutes: failures count per account and address, so the owner, elsewhere, still signs in.
    @Test func aStrangerCannotLockTheOwnerOut() async throws {
        try await withTestApp(configure: { $0.authAttemptsPerMinute = 1_000; $0.behindHTTPSProxy = true }) { browser, db in
            try await db.users.createUser(email: "owner@domain.com", password: testPassword, role: .owner)
            let stranger = TestBrowser(client: browser.client)
            for _ in 0..<6 {
                _ = try await stranger.post(Routes.login(next: nil), form: [("email", "owner@domain.com"), ("password", "not the password")], headers: [.xForwardedFor: "198.51.100.7"])
            }
            let strangerAgain = try await stranger.post(Routes.login(next: nil), form: [("email", "owner@domain.com"), ("password", testPassword)], headers: [.xForwardedFor: "198.51.100.7"])
            #expect(strangerAgain.status == .tooManyRequests, "that address is held back")
            let owner = try await browser.post(Routes.login(next: nil), form: [("email", "owner@domain.com"), ("password", testPassword)], headers: [.xForwardedFor: "203.0.113.20"])
            #expect(owner.status == .seeOther, "the owner, from their own address, is not")
        }
    }

    /// Many addresses guessing one account: past ten times the per-address limit in five
    /// minutes, every address waits, for minutes at most.
    @Test func aFloodOfGuessesFromManyAddressesHoldsTheAccount() async throws {
        try await withTestApp(configure: { $0.authAttemptsPerMinute = 1_000; $0.behindHTTPSProxy = true }) { browser, db in
            try await db.users.createUser(email: "owner@domain.com", password: testPassword, role: .owner)
            for index in 0..<50 {
                _ = try await browser.post(Routes.login(next: nil), form: [("email", "owner@domain.com"), ("password", "guess \(index)")], headers: [.xForwardedFor: "198.51.100.\(index)"])
            }
            let held = try await browser.post(Routes.login(next: nil), form: [("email", "owner@domain.com"), ("password", testPassword)], headers: [.xForwardedFor: "203.0.113.20"])
            #expect(held.status == .tooManyRequests)
            let retryAfter = try #require(held.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter <= 5 * 60)
        }
    }
}
