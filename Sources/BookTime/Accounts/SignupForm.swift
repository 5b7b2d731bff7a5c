/// The book's `UserCreationForm`: `email`, `password1`, `password2`, Django's messages.
struct SignupForm {
    let email: String
    let password: String

    static func validate(_ data: FormData) -> Result<SignupForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let email = validator.email("email")
        let password1 = validator.password("password1")
        let password2 = validator.password("password2")
        if validator.errors["password1"] == nil, validator.errors["password2"] == nil {
            if password1 != password2 {
                validator.addError("The two password fields didn’t match.", to: "password2")
            } else if let problem = PasswordPolicy.problems(password: password1, email: email).first {
                validator.addError(problem, to: "password2")
            }
        }
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(SignupForm(email: email, password: password1))
    }

    struct Page {
        let email: FieldView
        let password1: FieldView
        let password2: FieldView
        let hasErrors: Bool
        let actionURL: String
        let loginURL: String
    }

    static func page(for validator: FormValidator, next: String?) -> Page {
        Page(
            email: validator.field("email", label: "Email address", type: .email, maxLength: EmailAddress.maxLength, autocomplete: "email"),
            password1: validator.field("password1", label: "Password", type: .password, autocomplete: "new-password", help: PasswordPolicy.help),
            password2: validator.field("password2", label: "Password confirmation", type: .password, autocomplete: "new-password",
                help: "Enter the same password as before, for verification."),
            hasErrors: !validator.isValid,
            actionURL: Routes.signup(next: next),
            loginURL: Routes.login(next: next)
        )
    }
}
