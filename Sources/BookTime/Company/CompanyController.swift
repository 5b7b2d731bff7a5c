import Hummingbird
import Logging

/// The company site of the book's chapter 2: home, about us and the contact form.
struct CompanyController {
    let db: AppDatabase
    let views: Views
    let mail: MailSettings
    let catalogVersion: CatalogVersionTracker

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Routes.home), use: home)
        router.get(RouterPath(Routes.aboutUs), use: aboutUs)
        router.get(RouterPath(Routes.contactUs), use: contactUs)
        router.post(RouterPath(Routes.contactUs), use: submitContactUs)
    }

    struct HomePage {
        struct TagLink {
            let name: String
            let url: String
            let productCount: Int
        }

        let tags: [TagLink]
        let hasTags: Bool
    }

    /// Django's `TemplateView(template_name="home.html")`, plus the catalogue's subjects.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let version = catalogVersion.current
        return try await views.renderCached("company_home", key: "v\(version)", request: request, context: context) {
            let tags = try await db.tagSummaries().map { HomePage.TagLink(name: $0.name, url: Routes.products(tag: $0.slug), productCount: $0.productCount) }
            return HomePage(tags: tags, hasTags: !tags.isEmpty)
        }
    }

    /// Django's `TemplateView(template_name="about_us.html")`.
    @Sendable func aboutUs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await views.renderCached("company_about_us", key: "", title: "About us", request: request, context: context) { [String: String]() }
    }

    /// Django's `ContactUsView` (a `FormView`): an empty form.
    @Sendable func contactUs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await views.renderCached("company_contact_us", key: "", title: "Contact us", request: request, context: context) {
            ContactForm.page(for: FormValidator(FormData(fields: [])))
        }
    }

    /// A valid message goes to the outbox for customer service, then Post/Redirect/Get to `/`.
    @Sendable func submitContactUs(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        switch ContactForm.validate(form) {
        case .failure(let validator):
            return views.render(
                "company_contact_us", page: ContactForm.page(for: validator), title: "Contact us",
                request: request, context: context, status: .unprocessableContent
            )
        case .success(let message):
            context.logger.info("Sending email to customer service")
            try await db.enqueueEmail(message.email(settings: mail))
            context.flash.add(.success, "Thank you for your message. Our customer service team will get back to you soon.")
            return .redirect(to: Routes.home, type: .normal)
        }
    }
}

/// The book's `ContactForm`: `name` (≤100) and `message` (≤600), both required.
struct ContactForm: Equatable {
    static let nameMaxLength = 100
    static let messageMaxLength = 600

    let name: String
    let message: String

    static func validate(_ data: FormData) -> Result<ContactForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let name = validator.text("name", maxLength: nameMaxLength)
        let message = validator.text("message", maxLength: messageMaxLength)
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(ContactForm(name: name, message: message))
    }

    /// Subject "Site message", body "From: {name}\n{message}", to customer service.
    func email(settings: MailSettings) -> OutboxEmail {
        OutboxEmail(to: settings.customerServiceAddress, from: settings.fromAddress, subject: "Site message", body: "From: \(name)\n\(message)")
    }

    struct Page {
        let name: FieldView
        let message: FieldView
        let hasErrors: Bool
    }

    static func page(for failure: FormValidatorFailure) -> Page { page(for: failure.validator) }

    static func page(for validator: FormValidator) -> Page {
        Page(
            name: validator.field("name", label: "Your name", maxLength: nameMaxLength),
            message: validator.field("message", label: "Message", maxLength: messageMaxLength),
            hasErrors: !validator.isValid
        )
    }
}
