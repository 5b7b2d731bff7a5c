import Foundation
import GRDB
import Hummingbird

/// The owners' audit log: who changed what, paged and filtered by model.
extension AdminController {
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
            site: AdminSiteView(site, actor: actor), entries: views, countText: "\(total) entries",
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
}
