import Foundation
import HTTPTypes
import Hummingbird

/// The limits on sign-in, sign-up and password reset.
///
/// Per client address: `attemptsPerMinute` POSTs a minute to each form. Per account and client
/// address: after `failuresPerAccount` failed sign-ins within `lockout`, sign-in to that account
/// from that address answers 429 until the oldest failure is older than `lockout`, so a stranger
/// typing wrong passwords elsewhere never locks the owner out; a successful sign-in clears it.
/// Per account from everywhere, only a flood counts: ten times as many failures within five
/// minutes (many addresses guessing one password) hold sign-in back until they age out.
struct AuthRateLimits: Sendable {
    enum Action: String, Sendable {
        case login, signup, passwordReset
    }

    let perAddress: RateLimiter
    /// Keyed by `failureKey(account:request:context:)`: the account and the client's address.
    let failuresPerAccount: RateLimiter
    let failuresPerAccountEverywhere: RateLimiter
    /// Reset emails per account, so nobody can fill a mailbox through the form.
    let resetEmailsPerAccount: RateLimiter
    /// Contact messages per client address, and per signed-in account: each one is a row in the
    /// outbox and an email to customer service.
    let contactPerAddress: RateLimiter
    let contactPerAccount: RateLimiter
    let behindProxy: Bool

    init(config: AppConfiguration, clock: @escaping @Sendable () -> Date = { Date() }) {
        perAddress = RateLimiter(limit: config.authAttemptsPerMinute, window: .seconds(60), clock: clock)
        failuresPerAccount = RateLimiter(limit: config.loginFailuresPerAccount, window: config.accountLockout, clock: clock)
        failuresPerAccountEverywhere = RateLimiter(limit: 10 * config.loginFailuresPerAccount, window: .seconds(5 * 60), clock: clock)
        resetEmailsPerAccount = RateLimiter(limit: 3, window: .seconds(60 * 60), clock: clock)
        contactPerAddress = RateLimiter(limit: 5, window: .seconds(10 * 60), clock: clock)
        contactPerAccount = RateLimiter(limit: 5, window: .seconds(10 * 60), clock: clock)
        behindProxy = config.behindHTTPSProxy
    }

    /// Counts one attempt from this request's client; false when it is over the limit.
    func allowAttempt(_ action: Action, request: Request, context: AppRequestContext) -> Bool {
        allowAttempt(action, clientAddress: clientAddress(request: request, context: context))
    }

    func allowAttempt(_ action: Action, clientAddress: String) -> Bool {
        perAddress.allow("\(action.rawValue)|\(clientAddress)")
    }

    /// The client's address: the socket's peer, or behind a trusted proxy the address the proxy
    /// appended last to `X-Forwarded-For` (earlier entries are whatever the client claimed).
    func clientAddress(request: Request, context: AppRequestContext) -> String {
        if behindProxy, let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return last
        }
        return context.remoteAddress ?? "unknown"
    }

    func accountKey(_ email: String) -> String { email.lowercased() }

    /// Failed sign-ins are counted per account and per client address.
    func failureKey(account: String, request: Request, context: AppRequestContext) -> String {
        failureKey(account: account, clientAddress: clientAddress(request: request, context: context))
    }

    func failureKey(account: String, clientAddress: String) -> String { account + "|" + clientAddress }

    /// Counts one contact message from this request's client (and account); false past the limit.
    func allowContactMessage(request: Request, context: AppRequestContext) -> Bool {
        guard contactPerAddress.allow(clientAddress(request: request, context: context)) else { return false }
        guard let user = context.currentUser else { return true }
        return contactPerAccount.allow(accountKey(user.email))
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
