import Foundation
import GRDB
import Hummingbird

/// A record's delete page: what goes with it, what stops it.
extension AdminController {
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
            isBlocked: !plan.blockers.isEmpty, actionURL: site.deleteURL(model, id: id), action: "", ids: [],
            listURL: site.changeURL(model, id: id), confirmLabel: "Yes, delete it"
        )
        return views.render(
            "admin_confirm", page: page, title: "Are you sure? | \(site.header)", request: request, context: context,
            status: plan.blockers.isEmpty ? .ok : .conflict
        )
    }
}
