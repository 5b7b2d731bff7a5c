import Foundation
import Hummingbird
import Logging

/// One sign-in attempt, shared by the shop's login page and the back-office sites' own: the rate
/// limits, the same bcrypt work for an unknown email, one generic error, session rotation.
struct SignIn: Sendable {
    let db: AppDatabase
    let sessions: AccountSessions
    let limits: AuthRateLimits

    enum Outcome {
        case signedIn(User)
        /// The form to show again, with its errors.
        case refused(FormValidator)
    }

    /// `admits` decides on the user's roles before the session is made (a staff-only login page);
    /// a refusal reads like wrong credentials, and counts as a failure.
    func attempt(
        _ form: FormData, request: Request, context: AppRequestContext, refusal: String = LoginForm.invalidCredentials,
        admits: (Set<Role>) -> Bool = { _ in true }
    ) async throws -> Outcome {
        try limit(.login, request: request, context: context)
        switch LoginForm.validate(form) {
        case .failure(let failure):
            return .refused(failure.validator)
        case .success(let credentials):
            let (account, here) = try checkLockout(
                email: credentials.email, clientAddress: limits.clientAddress(request: request, context: context), logger: context.logger
            )
            if let user = try await db.users.authenticate(email: credentials.email, password: credentials.password),
                let roles = try await db.users.userWithRoles(id: user.id ?? 0)?.roles, admits(roles)
            {
                context.logger.info("Authentication successful for email=\(user.email)")
                limits.failuresPerAccount.reset(here)
                try await sessions.signIn(user, request: request, context: context)
                return .signedIn(user)
            }
            recordFailure(account: account, here: here)
            var validator = FormValidator(form)
            validator.addError(refusal)
            return .refused(validator)
        }
    }

    /// Checks an email and password without signing in (the API's HTTP Basic and device tokens):
    /// the same limits as the sign-in form (attempts per client address, failures per account and
    /// address and per account everywhere) and the same bcrypt work for an unknown email. Nil for
    /// wrong credentials (counted); throws 429 while limited.
    func verify(email: String, password: String, clientAddress: String, logger: Logger) async throws -> CurrentUser? {
        let (account, here) = try checkLockout(email: email, clientAddress: clientAddress, logger: logger)
        if let user = try await db.users.authenticate(email: email, password: password), let id = user.id,
            let roles = try await db.users.userWithRoles(id: id)?.roles
        {
            limits.failuresPerAccount.reset(here)
            return CurrentUser(id: id, email: user.email, roles: roles)
        }
        guard limits.allowAttempt(.login, clientAddress: clientAddress) else { throw Self.tooManyAttempts(retryAfter: .seconds(60)) }
        recordFailure(account: account, here: here)
        return nil
    }

    /// The account's keys for the failure limits; 429 while it is locked for this address, or
    /// everywhere after a flood of failures.
    private func checkLockout(email: String, clientAddress: String, logger: Logger) throws -> (account: String, here: String) {
        let account = limits.accountKey(EmailAddress.normalize(email) ?? email)
        let here = limits.failureKey(account: account, clientAddress: clientAddress)
        if limits.failuresPerAccount.isLimited(here) {
            logger.notice("Sign-in refused: too many failures for one account from one address")
            throw Self.tooManyAttempts(retryAfter: limits.failuresPerAccount.retryAfter(here))
        }
        if limits.failuresPerAccountEverywhere.isLimited(account) {
            logger.warning("Sign-in refused: a flood of failures for one account from many addresses")
            throw Self.tooManyAttempts(retryAfter: limits.failuresPerAccountEverywhere.retryAfter(account))
        }
        return (account, here)
    }

    private func recordFailure(account: String, here: String) {
        limits.failuresPerAccount.record(here)
        limits.failuresPerAccountEverywhere.record(account)
    }

    func limit(_ action: AuthRateLimits.Action, request: Request, context: AppRequestContext) throws {
        guard limits.allowAttempt(action, request: request, context: context) else {
            context.logger.notice("Rate limit reached for \(action.rawValue) from \(limits.clientAddress(request: request, context: context))")
            throw Self.tooManyAttempts(retryAfter: .seconds(60))
        }
    }

    static func tooManyAttempts(retryAfter: Duration) -> HTTPError {
        let minutes = max(1, Int((Double(retryAfter.components.seconds) / 60).rounded(.up)))
        return HTTPError(
            .tooManyRequests, headers: [.retryAfter: "\(retryAfter.components.seconds)"],
            message: "There were too many attempts. Please wait \(minutes == 1 ? "a minute" : "\(minutes) minutes") and try again."
        )
    }
}
