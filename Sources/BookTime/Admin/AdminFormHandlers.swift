import Foundation
import GRDB
import Hummingbird

/// The add and change pages: parsing, saving with optimistic concurrency, a model's own add
/// form (users), and image uploads from a change page.
extension AdminController {
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
        var page = try await AdminForm.page(
            site: site, model: model, record: record, actor: actor, form: form, errors: errors, formErrors: formErrors, store: store,
            currency: currency, warning: warning.map { AdminFormPage.Link(label: $0.text, url: "#id_\($0.field)") }
        )
        if let record, let editor = model.lineEditor, model.can(.change) {
            let shop = lineEditorShop
            if let lines = try await store.db.reader.read({ db in try editor.lines(db, record.id, shop) }) {
                page.lineEditor = AdminFormPage.LineEditor(
                    title: editor.title, help: editor.help, url: site.linesURL(model, id: record.id),
                    maxQuantity: editor.maxQuantity, lines: lines
                )
            }
        }
        if let record {
            page.summary = try await store.summary(model, id: record.id, currency: currency).map { item in
                let url = item.link.flatMap { link in site.model(named: link.model).map { site.changeURL($0, id: link.id) } }
                return AdminFormPage.Fact(label: item.label, text: item.text, url: url)
            }
        }
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
                guard let image = try CatalogStore.attach(processed, to: id, db) else { return false }
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
}
