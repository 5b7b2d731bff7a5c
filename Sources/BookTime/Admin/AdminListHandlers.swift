import Foundation
import GRDB
import Hummingbird

/// The list page of a model: search, filters, sorting, paging, list-editable cells and bulk
/// actions (with their confirmation page).
extension AdminController {
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
}
