import Foundation
import Hummingbird

/// Sign-up, sign-in, sign-out and the account page.
struct AccountsController {
    let db: AppDatabase
    let views: Views
    let sessions: AccountSessions
    let limits: AuthRateLimits
    let mail: MailSettings
    let publicURL: PublicURL

    var signIn: SignIn { SignIn(db: db, sessions: sessions, limits: limits) }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Routes.signupPath), use: signup)
        router.post(RouterPath(Routes.signupPath), use: submitSignup)
        router.get(RouterPath(Routes.loginPath), use: login)
        router.post(RouterPath(Routes.loginPath), use: submitLogin)
        router.post(RouterPath(Routes.logout), use: logout)
        let signedIn = router.group().add(middleware: RequireRoleMiddleware())
        signedIn.get(RouterPath(Routes.account), use: account)
        signedIn.post(Routes.Pattern.revokeAPIToken.routerPath, use: revokeToken)
    }

    // MARK: Sign-up

    @Sendable func signup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = SignupForm.page(for: FormValidator(FormData(fields: [])), next: Self.next(request))
        return views.render("accounts_signup", page: page, title: "Sign up", request: request, context: context)
    }

    /// Django's `SignupView.form_valid`: create, sign in, welcome email, flash, then `next` or `/`.
    @Sendable func submitSignup(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        try signIn.limit(.signup, request: request, context: context)
        let form = try await request.formData(context: context)
        let next = Self.next(request, form: form)
        var validator: FormValidator
        switch SignupForm.validate(form) {
        case .failure(let failure):
            validator = failure.validator
        case .success(let signup):
            do {
                let user = try await db.users.createUser(email: signup.email, password: signup.password, role: .customer)
                context.logger.info("New signup for email=\(user.email) through SignupView")
                try await sessions.signIn(user, request: request, context: context)
                context.logger.info("Sending signup email for email=\(user.email)")
                try await db.outbox.enqueueEmail(welcomeEmail(to: user.email))
                context.flash.add(.info, "You signed up successfully.")
                return .redirect(to: LocalRedirect.target(next), type: .normal)
            } catch let error as AccountError {
                validator = FormValidator(form)
                validator.addError(error.description, to: error == .duplicateEmail || error == .invalidEmail ? "email" : "password2")
            }
        }
        return views.render(
            "accounts_signup", page: SignupForm.page(for: validator, next: next), title: "Sign up",
            request: request, context: context, status: .unprocessableContent
        )
    }

    func welcomeEmail(to email: String) -> OutboxEmail {
        OutboxEmail(
            to: email, from: mail.fromAddress, subject: "Welcome to BookTime",
            body: """
                Welcome to BookTime, \(email).

                Your account is ready. Sign in at \(publicURL.current)\(Routes.loginPath) to keep your addresses and follow your orders.

                BookTime
                """
        )
    }

    // MARK: Sign-in and sign-out

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = LoginForm.page(for: FormValidator(FormData(fields: [])), next: Self.next(request))
        return views.render("accounts_login", page: page, title: "Sign in", request: request, context: context)
    }

    /// One generic error whatever was wrong, and the same bcrypt work for unknown emails.
    @Sendable func submitLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        let next = Self.next(request, form: form)
        switch try await signIn.attempt(form, request: request, context: context) {
        case .signedIn:
            return .redirect(to: LocalRedirect.target(next), type: .normal)
        case .refused(let validator):
            return views.render(
                "accounts_login", page: LoginForm.page(for: validator, next: next), title: "Sign in",
                request: request, context: context, status: .unprocessableContent
            )
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.currentUser != nil {
            sessions.signOut(context: context)
            context.flash.add(.info, "You have signed out.")
        }
        return .redirect(to: Routes.home, type: .normal)
    }

    // MARK: Account

    struct AccountPage {
        /// A mobile device signed in with a token.
        struct Device {
            let name: String
            let created: String
            let lastUsed: String
            let revokeURL: String
        }

        let email: String
        let dateJoined: String
        let devices: [Device]
        let addressListURL = Routes.addressList
        let ordersURL = Routes.orders
        let passwordResetURL = Routes.passwordReset
    }

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let current = context.currentUser, let (user, _) = try await db.users.userWithRoles(id: current.id) else {
            throw HTTPError(.notFound)
        }
        let devices = try await db.users.apiTokens(userID: current.id).map { token in
            AccountPage.Device(
                name: token.device.isEmpty ? "A device" : token.device, created: utcLongDate(token.createdAt),
                lastUsed: token.lastUsedAt.map(utcLongDate) ?? "never", revokeURL: Routes.revokeAPIToken(id: token.id ?? 0)
            )
        }
        let page = AccountPage(email: user.email, dateJoined: utcLongDate(user.dateJoined), devices: devices)
        return views.render("accounts_account", page: page, title: "My account", request: request, context: context)
    }

    /// Revokes one of the user's device tokens: it stops working at once.
    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let current = context.currentUser, let id = context.parameters.get("id", as: Int64.self),
            try await db.users.revokeAPIToken(id: id, userID: current.id)
        else { throw HTTPError(.notFound) }
        context.flash.add(.success, "The device was signed out. Its app needs your password again.")
        return .redirect(to: Routes.account, type: .normal)
    }

    // MARK: Helpers

    /// `?next=` from the query string, or the form's hidden field.
    static func next(_ request: Request, form: FormData? = nil) -> String? {
        let value = request.uri.queryParameters.get("next") ?? form?.value("next")
        return value.flatMap { LocalRedirect.isLocalPath($0) ? $0 : nil }
    }
}
