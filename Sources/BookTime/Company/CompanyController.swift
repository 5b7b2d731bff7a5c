import Hummingbird
import Logging

/// The company pages: home, about us and the contact form.
struct CompanyController {
    let db: AppDatabase
    let views: Views
    let mail: MailSettings
    let catalogVersion: CatalogVersionTracker
    let currency: Currency
    let limits: AuthRateLimits
    /// Contact messages waiting in the outbox for customer service past which new ones are
    /// refused (the mail server is down, or someone is flooding the form): the shop's own
    /// emails (orders, resets) are never held back by them.
    static let maxWaitingMessages = 500

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

        /// A row of books under a heading that links to the whole list.
        struct Shelf {
            let heading: String
            let url: String
            let products: [ProductCardView]
        }

        let tags: [TagLink]
        let newArrivals: [ProductCardView]
        let shelves: [Shelf]
        /// Where "Add to basket" on a card comes back to.
        let currentURL = Routes.home
    }

    /// Books on the home page: the newest, then a shelf for each of the largest subjects.
    static let newArrivalCount = 6
    static let shelfCount = 3
    static let booksPerShelf = 4

    /// Django's `TemplateView(template_name="home.html")`, plus the catalogue: new arrivals, a
    /// few books of the largest subjects, and every subject.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let version = catalogVersion.current
        return try await views.renderCached("company_home", key: "v\(version)", request: request, context: context) {
            let summaries = try await db.catalog.tagSummaries()
            let tags = summaries.map { HomePage.TagLink(name: $0.name, url: Routes.products(tag: $0.slug), productCount: $0.productCount) }
            let newArrivals = try await db.catalog.newestProducts(limit: Self.newArrivalCount).map { ProductCardView($0, currency: currency) }
            var shelves: [HomePage.Shelf] = []
            // Each book once on the page: a shelf skips books already shown above it.
            var shown = Set(newArrivals.map(\.productID))
            for tag in summaries.sorted(by: { ($0.productCount, $1.name) > ($1.productCount, $0.name) }).prefix(Self.shelfCount) {
                let cards = try await db.catalog.productsTagged(tag.id, limit: Self.booksPerShelf, excluding: shown)
                guard !cards.isEmpty else { continue }
                shown.formUnion(cards.map(\.id))
                shelves.append(.init(heading: tag.name, url: Routes.products(tag: tag.slug), products: cards.map { ProductCardView($0, currency: currency) }))
            }
            return HomePage(tags: tags, newArrivals: newArrivals, shelves: shelves)
        }
    }

    /// Django's `TemplateView(template_name="about_us.html")`.
    @Sendable func aboutUs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await views.renderCached("company_about_us", key: "", title: "About us", request: request, context: context) {
            AboutPage()
        }
    }

    struct AboutPage: PageMetaProviding {
        let meta = PageMeta(description: "Who we are: BookTime is a small independent bookshop run by readers, selling classics in print since the first order.")
    }

    /// Django's `ContactUsView` (a `FormView`): an empty form; a signed-in customer's email is
    /// filled in (and not editable), so the page is per user then.
    @Sendable func contactUs(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let user = context.currentUser {
            let page = ContactForm.page(for: FormValidator(FormData(fields: [])), signedInEmail: user.email)
            return views.render("company_contact_us", page: page, title: "Contact us", request: request, context: context)
        }
        return try await views.renderCached("company_contact_us", key: "", title: "Contact us", request: request, context: context) {
            ContactForm.page(for: FormValidator(FormData(fields: [])), signedInEmail: nil)
        }
    }

    /// A valid message goes to the outbox for customer service, then Post/Redirect/Get to `/`.
    @Sendable func submitContactUs(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        let signedInEmail = context.currentUser?.email
        switch ContactForm.validate(form, signedInEmail: signedInEmail) {
        case .failure(let failure):
            return views.render(
                "company_contact_us", page: ContactForm.page(for: failure.validator, signedInEmail: signedInEmail), title: "Contact us",
                request: request, context: context, status: .unprocessableContent
            )
        case .success(let message):
            guard limits.allowContactMessage(request: request, context: context) else {
                context.logger.notice("Contact form limit reached from \(limits.clientAddress(request: request, context: context))")
                throw HTTPError(
                    .tooManyRequests, headers: [.retryAfter: "600"],
                    message: "You have sent us several messages in the last minutes. Please wait ten minutes before writing again."
                )
            }
            guard try await db.outbox.pendingEmailCount(to: mail.customerServiceAddress) < Self.maxWaitingMessages else {
                context.logger.warning("Contact message refused: \(Self.maxWaitingMessages) messages to customer service are waiting")
                throw HTTPError(
                    .tooManyRequests, headers: [.retryAfter: "3600"],
                    message: "Our customer service has too many messages waiting. Please try again in an hour."
                )
            }
            context.logger.info("Sending email to customer service")
            try await db.outbox.enqueueEmail(message.email(settings: mail))
            context.flash.add(.success, "Thank you for your message. Our customer service team will get back to you soon.")
            return .redirect(to: Routes.home, type: .normal)
        }
    }
}

/// The book's `ContactForm`, `name` (≤100) and `message` (≤600), plus the `email` to answer to:
/// typed by a visitor, the account's own for a signed-in customer (whatever the POST says).
struct ContactForm: Equatable {
    static let nameMaxLength = 100
    static let messageMaxLength = 600

    let name: String
    let email: String
    let message: String

    static func validate(_ data: FormData, signedInEmail: String?) -> Result<ContactForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let name = validator.text("name", maxLength: nameMaxLength)
        let email = signedInEmail ?? validator.email("email")
        let message = validator.text("message", maxLength: messageMaxLength)
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(ContactForm(name: name, email: email, message: message))
    }

    /// Subject "Site message from {name}", to customer service, `Reply-To` the customer, and a
    /// body that names them: "From: {name} <{email}>\n{message}" (the book's, with the address).
    func email(settings: MailSettings) -> OutboxEmail {
        OutboxEmail(
            to: settings.customerServiceAddress, from: settings.fromAddress, subject: "Site message from \(name)",
            body: "From: \(name) <\(email)>\n\(message)", replyTo: email
        )
    }

    struct Page: PageMetaProviding {
        let name: FieldView
        let email: FieldView
        let message: FieldView
        let hasErrors: Bool
        var meta: PageMeta { PageMeta(description: "Write to BookTime's booksellers about a book or an order: we answer by email, usually the same day.") }
    }

    static func page(for validator: FormValidator, signedInEmail: String?) -> Page {
        var email = validator.field(
            "email", label: "Your email", type: .email, maxLength: EmailAddress.maxLength, autocomplete: "email",
            help: signedInEmail == nil ? "We answer to this address." : "The address of your account; we answer to it."
        )
        if let signedInEmail {
            email = FieldView(
                name: "email", label: email.label, type: .email, value: signedInEmail, maxLength: EmailAddress.maxLength,
                autocomplete: "email", help: email.help
            )
            email.readOnly = true
        }
        return Page(
            name: validator.field("name", label: "Your name", maxLength: nameMaxLength, autocomplete: "name"),
            email: email,
            message: validator.field("message", label: "Message", maxLength: messageMaxLength),
            hasErrors: !validator.isValid
        )
    }
}
