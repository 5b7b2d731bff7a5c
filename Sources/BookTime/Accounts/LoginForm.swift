/// The book's `AuthenticationForm`: `email` and `password`, one generic error for any mismatch.
struct LoginForm {
    static let invalidCredentials = "Invalid email/password combination."

    let email: String
    let password: String

    static func validate(_ data: FormData) -> Result<LoginForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let email = validator.text("email", maxLength: EmailAddress.maxLength)
        let password = validator.password("password")
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(LoginForm(email: email, password: password))
    }

    struct Page {
        let email: FieldView
        let password: FieldView
        let formErrors: [String]
        let actionURL: String
        let signupURL: String
        let passwordResetURL: String
    }

    static func page(for validator: FormValidator, next: String?) -> Page {
        Page(
            email: validator.field("email", label: "Email address", type: .email, maxLength: EmailAddress.maxLength, autocomplete: "username"),
            password: validator.field("password", label: "Password", type: .password, autocomplete: "current-password"),
            formErrors: validator.formErrors,
            actionURL: Routes.login(next: next),
            signupURL: Routes.signup(next: next),
            passwordResetURL: Routes.passwordReset
        )
    }
}
