import Foundation
import Hummingbird

extension AdminController {
    /// The line editor's forms (`AdminLineEditor`): "Add" (a book and a quantity) or "Remove"
    /// (a line), each its own small form below the change form, so unsaved edits above are not
    /// posted and cannot be lost. The change and its audit entry are one transaction.
    @Sendable func editLines(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let (model, actor) = try resolve(context, .change)
        guard let editor = model.lineEditor, let id = context.parameters.get("id", as: Int64.self), let record = try await store.record(model, id: id)
        else { throw HTTPError(.notFound) }
        let form = try await request.formData(context: context)
        let shop = lineEditorShop
        do {
            let said = try await store.db.dbWriter.write { db -> String in
                let change: String
                if let removed = form.value("remove") {
                    guard let lineID = Int64(removed) else { throw AdminLineEditor.Refusal(message: "No such line.") }
                    change = try editor.remove(db, id, lineID, shop)
                } else {
                    guard let quantity = Int(form.value("quantity")?.trimmingCharacters(in: .whitespaces) ?? "1") else {
                        throw AdminLineEditor.Refusal(message: "Enter the quantity as a whole number.")
                    }
                    change = try editor.add(db, id, form.value("book") ?? "", quantity, shop)
                }
                try AdminLog.record(
                    db, user: actor, site: site, model: model, objectID: id, title: record.title, action: .change,
                    changes: [AdminLogEntry.Change(field: "lines", old: "", new: change)]
                )
                return change
            }
            context.flash.add(.success, said)
        } catch let refusal as AdminLineEditor.Refusal {
            context.flash.add(.error, refusal.message)
        }
        return .redirect(to: site.changeURL(model, id: id), type: .normal)
    }

    var lineEditorShop: AdminLineEditor.Shop {
        AdminLineEditor.Shop(settings: shopSettings?.current ?? ShopSettings.Values(), currency: currency, orderEmail: store.orderEmail)
    }
}
