import Foundation
import GRDB
import Hummingbird

/// The back-office engine's pages for one site: index, login, every model's list, add, change and
/// delete pages, and (owners) the audit log. Nothing here knows a particular model.
struct AdminController {
    let site: AdminSite
    let store: AdminStore
    let views: Views
    let currency: Currency
    var seller = SellerSettings()
    let signIn: SignIn

    func addRoutes(to router: Router<AppRequestContext>) {
        typealias Pattern = AdminSite.Pattern
        router.get(RouterPath(site.loginURL), use: login)
        router.post(RouterPath(site.loginURL), use: submitLogin)
        let group = router.group(RouterPath(site.prefix)).add(middleware: AdminSiteMiddleware(site: site))
        group.get(Pattern.index.routerPath, use: index)
        if site.kind == .owners { group.get(Pattern.log.routerPath, use: log) }
        if site.hasInvoices { group.get(Pattern.invoice.routerPath, use: invoice) }
        if site.hasReports {
            group.get(Pattern.ordersPerDay.routerPath, use: ordersPerDay)
            group.get(Pattern.mostBoughtProducts.routerPath, use: mostBoughtProducts)
            group.post(Pattern.mostBoughtProducts.routerPath, use: mostBoughtProducts)
        }
        group.get(Pattern.list.routerPath, use: list)
        group.post(Pattern.list.routerPath, use: listPost)
        group.get(Pattern.add.routerPath, use: add)
        group.post(Pattern.add.routerPath, use: add)
        group.get(Pattern.change.routerPath, use: change)
        group.post(Pattern.change.routerPath, use: change)
        group.post(Pattern.images.routerPath, use: uploadImage)
        group.get(Pattern.delete.routerPath, use: delete)
        group.post(Pattern.delete.routerPath, use: delete)
    }

    // MARK: Index and login

    struct IndexPage {
        struct Entry {
            let label: String
            let url: String
            let addURL: String?
        }

        let site: AdminSiteView
        let models: [Entry]
        let reports: [Entry]
        let hasReports: Bool
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        let entries = site.models.filter { $0.can(.view) }.map {
            IndexPage.Entry(label: $0.plural, url: site.listURL($0), addURL: $0.can(.add) ? site.addURL($0) : nil)
        }
        let reports =
            site.hasReports
            ? [
                IndexPage.Entry(label: "Orders per day", url: site.ordersPerDayURL, addURL: nil),
                IndexPage.Entry(label: "Most bought products", url: site.mostBoughtProductsURL, addURL: nil),
            ] : []
        let page = IndexPage(site: AdminSiteView(site, actor: actor), models: entries, reports: reports, hasReports: !reports.isEmpty)
        return views.render("admin_index", page: page, title: "Site administration | \(site.header)", request: request, context: context)
    }

    struct LoginPage {
        let site: AdminSiteView
        let actionURL: String
        let signedInAs: String?
        let email: String
        let errors: [String]
    }

    static let staffOnly = "Please enter the correct email address and password for a staff account. Both fields may be case-sensitive."

    /// Django's admin login: only users of this site's role are signed in; anyone else reads the
    /// same error as for a wrong password.
    @Sendable func submitLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        let next = LocalRedirect.target(request.uri.queryParameters["next"].map(String.init), default: site.indexURL)
        let role = site.role
        switch try await signIn.attempt(form, request: request, context: context, refusal: Self.staffOnly, admits: { $0.contains(role) }) {
        case .signedIn:
            return .redirect(to: next, type: .normal)
        case .refused(let validator):
            let page = LoginPage(
                site: AdminSiteView(site, actor: nil), actionURL: site.loginURL + "?next=" + Routes.queryEncoded(next),
                signedInAs: nil, email: form.value("email") ?? "", errors: validator.formErrors + validator.errors.values.sorted()
            )
            return views.render(
                "admin_login", page: page, title: "Log in | \(site.header)", request: request, context: context, status: .unprocessableContent
            )
        }
    }

    /// The site's own sign-in page; the form posts to the shop's login (same checks and limits).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = LocalRedirect.target(request.uri.queryParameters["next"].map(String.init), default: site.indexURL)
        if let user = context.currentUser, user.has(site.role) { return .redirect(to: next, type: .normal) }
        let page = LoginPage(
            site: AdminSiteView(site, actor: nil), actionURL: site.loginURL + "?next=" + Routes.queryEncoded(next),
            signedInAs: context.currentUser?.email, email: "", errors: []
        )
        return views.render("admin_login", page: page, title: "Log in | \(site.header)", request: request, context: context)
    }

    // MARK: Lists

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (model, actor) = try resolve(context, .view)
        let query = AdminListPage.query(request.queryForm, model: model)
        return try await renderList(model, actor: actor, query: query, request: request, context: context)
    }

    func renderList(
        _ model: AdminModel, actor: AdminActor, query: AdminListQuery, errors: [String: String] = [:], request: Request,
        context: AppRequestContext
    ) async throws -> Response {
        let (rows, total) = try await store.list(model, query: query)
        let page = AdminListPage(site: site, model: model, actor: actor, query: query, rows: rows, total: total, currency: currency, errors: errors)
        return views.render(
            "admin_list", page: page, title: "\(model.plural) | \(site.header)", request: request, context: context,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    struct ConfirmPage {
        let site: AdminSiteView
        let heading: String
        let question: String
        let titles: [String]
        let cascades: [String]
        let blockers: [String]
        let isBlocked: Bool
        let hasCascades: Bool
        let actionURL: String
        let action: String
        let ids: [Int64]
        let listURL: String
        let confirmLabel: String
    }

    /// A bulk action (after a confirmation page) or the list's editable cells.
    @Sendable func listPost(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let (model, actor) = try resolve(context, .view)
        let form = try await request.formData(context: context)
        let back = site.listURL(model) + (form.value("_query").map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        if form.value("_save") != nil {
            return try await saveListEdits(model, actor: actor, form: form, back: back, request: request, context: context)
        }
        var ids = Array(Set(form.values("_selected").compactMap { Int64($0) })).sorted()
        if form.value("select_across") == "1" {
            let query = AdminListPage.query(FormData(string: form.value("_query") ?? ""), model: model)
            ids = try await store.ids(model, query: query)
            guard ids.count <= 10_000 else {
                context.flash.add(.error, "That is more than 10,000 \(model.plural.lowercased()): narrow the list with a search or a filter first.")
                return .redirect(to: back, type: .normal)
            }
        }
        guard !ids.isEmpty else {
            context.flash.add(.warning, "Items must be selected in order to perform actions on them. No items have been changed.")
            return .redirect(to: back, type: .normal)
        }
        let name = form.value("action") ?? ""
        let isDelete = name == "delete_selected"
        let action = model.actions.first { $0.name == name }
        guard (isDelete && model.can(.delete)) || (action != nil && model.can(.change)) else {
            context.flash.add(.warning, "No action selected.")
            return .redirect(to: back, type: .normal)
        }
        guard form.value("confirm") == "yes" else {
            let plan = isDelete ? try await store.deletePlan(model, ids: ids) : AdminDeletePlan(named: try await store.titles(model, ids: ids), cascades: [], blockers: [])
            let what = model.counted(ids.count)
            let page = ConfirmPage(
                site: AdminSiteView(site, actor: actor), heading: "Are you sure?",
                question: isDelete ? "Delete these \(what)?" : "\(action?.label ?? "") (\(what))?",
                titles: plan.titles, cascades: plan.cascades,
                blockers: plan.blockers, isBlocked: !plan.blockers.isEmpty,
                hasCascades: !plan.cascades.isEmpty,
                actionURL: site.listURL(model), action: name, ids: ids, listURL: back,
                confirmLabel: isDelete ? "Yes, delete them" : "Yes, do it"
            )
            return views.render("admin_confirm", page: page, title: "Are you sure? | \(site.header)", request: request, context: context)
        }
        do {
            if isDelete {
                let count = try await store.delete(model, site: site, ids: ids, actor: actor)
                context.flash.add(.success, "Deleted \(model.counted(count)).")
            } else if let action {
                let count = try await store.run(action, on: model, site: site, ids: ids, actor: actor)
                context.flash.add(.success, "\(action.label): \(count) changed.")
            }
        } catch AdminSaveError.protected {
            context.flash.add(.error, "Nothing was deleted: other records still need some of these \(model.plural.lowercased()).")
        } catch AdminSaveError.notFound {
            context.flash.add(.error, "Some of the selected \(model.plural.lowercased()) no longer exist. Nothing was changed.")
        }
        return .redirect(to: back, type: .normal)
    }

    func saveListEdits(
        _ model: AdminModel, actor: AdminActor, form: FormData, back: String, request: Request, context: AppRequestContext
    ) async throws -> Response {
        guard model.can(.change) else { throw HTTPError(.forbidden) }
        let readOnly = model.readOnlyFields(isOwner: actor.isOwner, adding: false)
        let fields = model.listEditable.compactMap(model.field).filter { !readOnly.contains($0.name) }
        var edits: [Int64: [String: DatabaseValue]] = [:]
        var errors: [String: String] = [:]
        for id in Set(form.values("_rows").compactMap { Int64($0) }) {
            for field in fields {
                let name = "row-\(id)-\(field.name)"
                switch AdminValues.parse(form.value(name), kind: field.kind) {
                case .success(let value): edits[id, default: [:]][field.name] = value
                case .failure(let error): errors[name] = error.description
                }
            }
        }
        let query = AdminListPage.query(FormData(string: form.value("_query") ?? ""), model: model)
        guard errors.isEmpty else {
            return try await renderList(model, actor: actor, query: query, errors: errors, request: request, context: context)
        }
        do {
            let changed = try await store.saveListEdits(model, site: site, edits: edits, actor: actor)
            context.flash.add(.success, changed == 0 ? "No changes." : "\(model.counted(changed)) changed.")
        } catch AdminSaveError.formError(let message) {
            context.flash.add(.error, message + " Nothing was changed.")
        } catch AdminSaveError.notFound {
            context.flash.add(.error, "Some of these \(model.plural.lowercased()) no longer exist. Nothing was changed.")
        }
        return .redirect(to: back, type: .normal)
    }

    // MARK: Add and change

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (model, actor) = try resolve(context, .add)
        return try await edit(model, id: nil, actor: actor, request: request, context: context)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (model, actor) = try resolve(context, .view)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.notFound) }
        return try await edit(model, id: id, actor: actor, request: request, context: context)
    }

    func edit(_ model: AdminModel, id: Int64?, actor: AdminActor, request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        var record: AdminRecord? = nil
        if let id {
            guard let found = try await store.record(model, id: id) else { throw HTTPError(.notFound) }
            record = found
        }
        guard request.method == .post else {
            return try await renderForm(model, record: record, actor: actor, request: request, context: context)
        }
        guard model.can(id == nil ? .add : .change) else { throw HTTPError(.forbidden) }
        let form = try await request.formData(context: context)
        if id == nil, let create = model.create {
            return try await createWithOwnForm(model, create: create, actor: actor, form: form, request: request, context: context)
        }
        switch try await saveForm(model, id: id, record: record, form: form, actor: actor, request: request, context: context) {
        case .failure(let page):
            return page.response
        case .success(let saved):
            context.flash.add(.success, "The \(model.label.lowercased()) “\(saved.title)” was \(id == nil ? "added" : "changed") successfully.")
            if form.value("_continue") != nil { return .redirect(to: site.changeURL(model, id: saved.id), type: .normal) }
            // The change page says it itself; the list needs telling.
            try await warnIfNeeded(model, id: saved.id, context: context)
            return .redirect(to: site.listURL(model), type: .normal)
        }
    }

    /// A form page shown instead of saving (errors, or someone else's save), as an error value.
    struct FormPageResponse: Error {
        let response: Response
    }

    /// Parses and saves a posted change form; a form that cannot be saved comes back as its page,
    /// with `extraError` (what else did not happen) on top of its own errors.
    func saveForm(
        _ model: AdminModel, id: Int64?, record: AdminRecord?, form: FormData, actor: AdminActor, extraError: String? = nil,
        request: Request, context: AppRequestContext
    ) async throws -> Result<(id: Int64, title: String), FormPageResponse> {
        let (submission, errors) = AdminForm.parse(form, model: model, readOnly: model.readOnlyFields(isOwner: actor.isOwner, adding: id == nil))
        let extra = extraError.map { [$0] } ?? []
        var formErrors: [String] = []
        var fieldErrors = errors
        if errors.isEmpty {
            do {
                return .success(try await store.save(model, site: site, id: id, submission: submission, expected: form.value("_fingerprint"), actor: actor))
            } catch AdminSaveError.conflict {
                let message = "Someone else changed this \(model.label.lowercased()) since you opened it. Nothing was saved: the form now shows the current values."
                var current = record
                if let id { current = try await store.record(model, id: id) ?? record }
                let page = try await renderForm(
                    model, record: current, actor: actor, formErrors: [message] + extra, request: request, context: context,
                    status: .conflict
                )
                return .failure(FormPageResponse(response: page))
            } catch AdminSaveError.fieldErrors(let errors) {
                fieldErrors = errors
            } catch AdminSaveError.formError(let message) {
                formErrors = [message]
            } catch AdminSaveError.notFound {
                throw HTTPError(.notFound)
            }
        }
        let page = try await renderForm(
            model, record: record, actor: actor, form: form, errors: fieldErrors, formErrors: formErrors + extra,
            request: request, context: context, status: .unprocessableContent
        )
        return .failure(FormPageResponse(response: page))
    }

    /// After a save that goes back to the list: what is still wrong with the record, with a link to
    /// the field that fixes it.
    func warnIfNeeded(_ model: AdminModel, id: Int64, context: AppRequestContext) async throws {
        guard let warning = try await store.warning(model, id: id) else { return }
        context.flash.add(.warning, warning.text, link: FlashMessage.Link(label: "Fix it", url: site.changeURL(model, id: id) + "#id_\(warning.field)"))
    }

    /// An add form of the model's own fields (a user and their password), made by its `create`.
    func createWithOwnForm(
        _ model: AdminModel, create: AdminCreate, actor: AdminActor, form: FormData, request: Request, context: AppRequestContext
    ) async throws -> Response {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
        for field in model.addFields {
            switch AdminValues.parse(form.value(field.name), kind: field.kind) {
            case .success(let value): values[field.name] = String.fromDatabaseValue(value) ?? ""
            case .failure(let error): errors[field.name] = error.description
            }
        }
        if errors.isEmpty {
            do {
                let changes = model.addFields.filter { $0.kind.isShownInLog }.map { AdminLogEntry.Change(field: $0.name, old: "", new: values[$0.name] ?? "") }
                let (id, title) = try await store.create(model, site: site, insert: try await create(store.db, values), changes: changes, actor: actor)
                context.flash.add(.success, "The \(model.label.lowercased()) “\(title)” was added successfully. You may edit it again below.")
                return .redirect(to: site.changeURL(model, id: id), type: .normal)
            } catch AdminSaveError.fieldErrors(let fieldErrors) {
                errors = fieldErrors
            }
        }
        return try await renderForm(model, record: nil, actor: actor, form: form, errors: errors, request: request, context: context, status: .unprocessableContent)
    }

    func renderForm(
        _ model: AdminModel, record: AdminRecord?, actor: AdminActor, form: FormData? = nil, errors: [String: String] = [:],
        formErrors: [String] = [], request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var warning: AdminWarning? = nil
        if let record { warning = try await store.warning(model, id: record.id) }
        let page = try await AdminForm.page(
            site: site, model: model, record: record, actor: actor, form: form, errors: errors, formErrors: formErrors, store: store,
            currency: currency, warning: warning.map { AdminFormPage.Link(label: $0.text, url: "#id_\($0.field)") }
        )
        return views.render("admin_form", page: page, title: "\(page.heading) | \(site.header)", request: request, context: context, status: status)
    }

    // MARK: Images

    /// A picture for a product, from the change page's upload form: checked by its content,
    /// thumbnailed off the event loop, stored with an audit entry; the same picture twice once.
    @Sendable func uploadImage(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let (model, actor) = try resolve(context, .change)
        guard model.acceptsImages, let id = context.parameters.get("id", as: Int64.self), let record = try await store.record(model, id: id) else {
            throw HTTPError(.notFound)
        }
        let back = site.changeURL(model, id: id)
        let form: MultipartForm
        do {
            form = try await request.multipartForm(limit: context.maxMultipartSize)
        } catch is MultipartForm.Failure {
            throw HTTPError(.badRequest, message: "Send the image from the upload form.")
        }
        // The Upload button is inside the change form, so the POST carries whatever was typed
        // there too: it is saved first, or, if it cannot be, the image waits and nothing is lost.
        if form.value("_fingerprint") != nil {
            let fields = FormData(fields: form.fields.map { ($0.name, $0.value) })
            let saved = try await saveForm(
                model, id: id, record: record, form: fields, actor: actor,
                extraError: "The image was not added: save your changes first (fix what is marked below), then upload it again.",
                request: request, context: context
            )
            if case .failure(let page) = saved { return page.response }
        }
        guard let file = form.file("image"), !file.data.isEmpty else {
            context.flash.add(.error, "Choose an image to upload.")
            return .redirect(to: back, type: .normal)
        }
        do {
            let processed = try await ImageProcessing.processOffLoop(file.data)
            let added = try await store.db.dbWriter.write { db -> Bool in
                guard let image = try AppDatabase.attach(processed, to: id, db) else { return false }
                try AdminLog.record(
                    db, user: actor, site: site, model: model, objectID: id, title: record.title, action: .change,
                    changes: [AdminLogEntry.Change(field: "images", old: "", new: "added image \(image.id ?? 0) (\(file.filename))")]
                )
                return true
            }
            context.flash.add(.success, added ? "The image was added to “\(record.title)”." : "“\(record.title)” already has this image.")
        } catch let error as ImageError {
            context.flash.add(.error, "The image was not added: \(error.description).")
        }
        return .redirect(to: back, type: .normal)
    }

    // MARK: Delete

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (model, actor) = try resolve(context, .delete)
        guard let id = context.parameters.get("id", as: Int64.self), let record = try await store.record(model, id: id) else {
            throw HTTPError(.notFound)
        }
        if request.method == .post {
            do {
                _ = try await store.delete(model, site: site, ids: [id], actor: actor)
                context.flash.add(.success, "The \(model.label.lowercased()) “\(record.title)” was deleted successfully.")
                return .redirect(to: site.listURL(model), type: .normal)
            } catch AdminSaveError.protected {
                // The page below says what still needs it.
            }
        }
        let plan = try await store.deletePlan(model, ids: [id])
        let page = ConfirmPage(
            site: AdminSiteView(site, actor: actor), heading: "Are you sure?",
            question: "Delete the \(model.label.lowercased()) “\(record.title)”?", titles: plan.titles,
            cascades: plan.cascades, blockers: plan.blockers,
            isBlocked: !plan.blockers.isEmpty, hasCascades: !plan.cascades.isEmpty, actionURL: site.deleteURL(model, id: id), action: "", ids: [],
            listURL: site.changeURL(model, id: id), confirmLabel: "Yes, delete it"
        )
        return views.render(
            "admin_confirm", page: page, title: "Are you sure? | \(site.header)", request: request, context: context,
            status: plan.blockers.isEmpty ? .ok : .conflict
        )
    }

    // MARK: Invoices

    /// `invoice/<order id>/`: the invoice as a page, or with `?format=pdf` as a PDF file.
    @Sendable func invoice(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try actor(context)
        guard let id = context.parameters.get("order", as: Int64.self), let detail = try await store.db.order(id: id, userID: nil) else {
            throw HTTPError(.notFound)
        }
        let orders = site.model(named: "order").map { site.changeURL($0, id: id) } ?? site.indexURL
        let invoice = Invoice(detail: detail, currency: currency, seller: seller, url: site.invoiceURL(orderID: id), backURL: orders)
        switch request.uri.queryParameters["format"] {
        case nil, "html":
            return views.render("admin_invoice", page: invoice, title: "Invoice \(invoice.number)", request: request, context: context)
        case "pdf":
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pdf", .contentDisposition: "inline; filename=invoice-\(invoice.number).pdf",
                    .cacheControl: "private, no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: invoice.pdf()))
            )
        default:
            throw HTTPError(.badRequest, message: "The invoice comes as format=html or format=pdf.")
        }
    }

    // MARK: Audit log

    struct LogPage {
        struct Entry {
            let when: String
            let who: String
            let action: String
            let what: String
            let url: String?
            let changes: [AdminLogEntry.Change]
        }

        let site: AdminSiteView
        let entries: [Entry]
        let hasEntries: Bool
        let countText: String
        let previousURL: String?
        let nextURL: String?
    }

    @Sendable func log(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        guard actor.isOwner else { throw HTTPError(.forbidden) }
        let pageNumber = Pager.requested(request.uri.queryParameters["p"].map(String.init))
        let modelName = request.uri.queryParameters["model"].map(String.init)
        let (entries, total) = try await store.logEntries(page: pageNumber, model: modelName)
        let views = entries.map { entry in
            let model = site.model(named: entry.model)
            return LogPage.Entry(
                when: utcDateTime(entry.at), who: entry.userEmail, action: Self.describe(action: entry.action, of: model),
                what: "\(model?.label ?? entry.model) “\(entry.objectTitle)”",
                url: entry.action == .delete ? nil : model.flatMap { model in entry.objectId.map { site.changeURL(model, id: $0) } },
                changes: entry.decodedChanges.map { change in
                    let label = model.flatMap { $0.field(change.field) ?? $0.addFields.first { $0.name == change.field } }?.label
                    return AdminLogEntry.Change(field: label ?? change.field, old: change.old, new: change.new)
                }
            )
        }
        let filter = modelName.map { "&model=" + Routes.queryEncoded($0) } ?? ""
        let pager = AdminListPage.pager(total: total, query: AdminListQuery().with(page: pageNumber)) { "\(site.logURL)?p=\($0.page)\(filter)" }
        let page = LogPage(
            site: AdminSiteView(site, actor: actor), entries: views, hasEntries: !views.isEmpty, countText: "\(total) entries",
            previousURL: pager.previous, nextURL: pager.next
        )
        return self.views.render("admin_log", page: page, title: "Audit log | \(site.header)", request: request, context: context)
    }

    /// "Added", "Changed", "Deleted", or the bulk action's own label.
    static func describe(action: AdminLogAction, of model: AdminModel?) -> String {
        switch action {
        case .add: "Added"
        case .change: "Changed"
        case .delete: "Deleted"
        case .bulk(let name): model?.actions.first { $0.name == name }?.label ?? name
        }
    }

    // MARK: Helpers

    func actor(_ context: AppRequestContext) throws -> AdminActor {
        guard let user = context.currentUser, user.has(site.role) else { throw HTTPError(.forbidden) }
        return AdminActor(user)
    }

    /// The model named in the URL, if this site registers it and the user may `permission` it.
    func resolve(_ context: AppRequestContext, _ permission: AdminPermission) throws -> (AdminModel, AdminActor) {
        let actor = try actor(context)
        guard let name = context.parameters.get("model"), let model = site.model(named: name), model.can(.view) else {
            throw HTTPError(.notFound)
        }
        guard model.can(permission) else { throw HTTPError(.forbidden, message: "You cannot \(permission.rawValue) \(model.plural.lowercased()) on this site.") }
        return (model, actor)
    }

}

