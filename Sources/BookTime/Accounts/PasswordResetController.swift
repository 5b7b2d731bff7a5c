import Foundation
import Hummingbird

/// "Forgot your password?": the request form always answers the same; the emailed link is
/// single-use, valid for an hour, and setting the new password ends every session of the account.
struct PasswordResetController {
    let db: AppDatabase
    let views: Views
    let sessions: AccountSessions
    let limits: AuthRateLimits
    let mail: MailSettings
    let publicURL: PublicURL

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Routes.passwordReset), use: requestForm)
        router.post(RouterPath(Routes.passwordReset), use: submitRequest)
        router.get(RouterPath(Routes.passwordResetDone), use: done)
        router.get(Routes.Pattern.passwordResetConfirm.routerPath, use: confirmForm)
        router.post(Routes.Pattern.passwordResetConfirm.routerPath, use: submitConfirm)
    }

    @Sendable func requestForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        views.render(
            "accounts_password_reset", page: PasswordResetRequestForm.page(for: FormValidator(FormData(fields: []))),
            title: "Reset your password", request: request, context: context
        )
    }

    /// Known or not, the visitor sees the same page; only a known, active account gets an email.
    @Sendable func submitRequest(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        guard limits.allowAttempt(.passwordReset, request: request, context: context) else {
            throw SignIn.tooManyAttempts(retryAfter: .seconds(60))
        }
        let form = try await request.formData(context: context)
        switch PasswordResetRequestForm.validate(form) {
        case .failure(let failure):
            return views.render(
                "accounts_password_reset", page: PasswordResetRequestForm.page(for: failure.validator), title: "Reset your password",
                request: request, context: context, status: .unprocessableContent
            )
        case .success(let resetRequest):
            let allowed = limits.resetEmailsPerAccount.allow(limits.accountKey(resetRequest.email))
            if let (user, _) = try await db.users.requestPasswordReset(
                email: resetRequest.email, allowed: allowed, email: { [self] user, token in resetEmail(to: user.email, token: token) }
            ) {
                context.logger.info("Sending a password reset link to user id=\(user.id ?? 0)")
            }
            return .redirect(to: Routes.passwordResetDone, type: .normal)
        }
    }

    func resetEmail(to email: String, token: String) -> OutboxEmail {
        OutboxEmail(
            to: email, from: mail.fromAddress, subject: "Reset your BookTime password",
            body: """
                Someone asked to reset the password of the BookTime account for \(email).

                To choose a new password, open this link within an hour:
                \(publicURL.current)\(Routes.passwordResetConfirm(token: token))

                The link works once. If you did not ask for it, ignore this email: your password stays as it is.

                BookTime
                """
        )
    }

    @Sendable func done(_ request: Request, context: AppRequestContext) async throws -> Response {
        views.render("accounts_password_reset_done", title: "Check your email", request: request, context: context)
    }

    @Sendable func confirmForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let user = try await db.users.passwordResetUser(token: token) else { return invalidLink(request, context: context) }
        let page = SetPasswordForm.page(for: FormValidator(FormData(fields: [])), email: user.email, actionURL: request.uri.path)
        return views.render("accounts_password_reset_confirm", page: page, title: "Choose a new password", request: request, context: context)
    }

    @Sendable func submitConfirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        guard limits.allowAttempt(.passwordReset, request: request, context: context) else {
            throw SignIn.tooManyAttempts(retryAfter: .seconds(60))
        }
        let token = try context.parameters.require("token")
        guard let user = try await db.users.passwordResetUser(token: token) else { return invalidLink(request, context: context) }
        let form = try await request.formData(context: context)
        switch SetPasswordForm.validate(form, email: user.email) {
        case .failure(let failure):
            let page = SetPasswordForm.page(for: failure.validator, email: user.email, actionURL: request.uri.path)
            return views.render(
                "accounts_password_reset_confirm", page: page, title: "Choose a new password",
                request: request, context: context, status: .unprocessableContent
            )
        case .success(let newPassword):
            let hash = try await PasswordHasher.hash(newPassword.password)
            guard try await db.users.resetPassword(token: token, newPasswordHash: hash) else { return invalidLink(request, context: context) }
            context.logger.info("Password reset for user id=\(user.id ?? 0)")
            if context.currentUser != nil { sessions.signOut(context: context) }
            context.flash.add(.success, "Your password has been set. You can sign in with it now.")
            return .redirect(to: Routes.loginPath, type: .normal)
        }
    }

    struct InvalidLinkPage {
        let passwordResetURL = Routes.passwordReset
    }

    /// Unknown, used or expired: one answer, 404, with the way to ask for a new link.
    func invalidLink(_ request: Request, context: AppRequestContext) -> Response {
        views.render(
            "accounts_password_reset_invalid", page: InvalidLinkPage(), title: "Link not valid",
            request: request, context: context, status: .notFound
        )
    }
}
