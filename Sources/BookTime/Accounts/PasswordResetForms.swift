/// Asking for a reset link: one `email` field (Django's `PasswordResetForm`).
struct PasswordResetRequestForm {
    let email: String

    static func validate(_ data: FormData) -> Result<PasswordResetRequestForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let email = validator.email("email")
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(PasswordResetRequestForm(email: email))
    }

    struct Page {
        let email: FieldView
        let hasErrors: Bool
    }

    static func page(for validator: FormValidator) -> Page {
        Page(
            email: validator.field("email", label: "Email address", type: .email, maxLength: EmailAddress.maxLength, autocomplete: "email"),
            hasErrors: !validator.isValid
        )
    }
}

/// Choosing the new password from the emailed link (Django's `SetPasswordForm`).
struct SetPasswordForm {
    let password: String

    static func validate(_ data: FormData, email: String) -> Result<SetPasswordForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let password1 = validator.password("new_password1")
        let password2 = validator.password("new_password2")
        if validator.errors["new_password1"] == nil, validator.errors["new_password2"] == nil {
            if password1 != password2 {
                validator.addError("The two password fields didn’t match.", to: "new_password2")
            } else if let problem = PasswordPolicy.problems(password: password1, email: email).first {
                validator.addError(problem, to: "new_password2")
            }
        }
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(SetPasswordForm(password: password1))
    }

    struct Page {
        let email: String
        let password1: FieldView
        let password2: FieldView
        let hasErrors: Bool
        let actionURL: String
    }

    static func page(for validator: FormValidator, email: String, actionURL: String) -> Page {
        Page(
            email: email,
            password1: validator.field("new_password1", label: "New password", type: .password, autocomplete: "new-password", help: PasswordPolicy.help),
            password2: validator.field("new_password2", label: "New password confirmation", type: .password, autocomplete: "new-password"),
            hasErrors: !validator.isValid,
            actionURL: actionURL
        )
    }
}
