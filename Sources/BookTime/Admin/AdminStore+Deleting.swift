import Foundation
import GRDB

/// Deletes (with what the foreign keys take along or forbid) and bulk actions.
extension AdminStore {
    func deletePlan(_ model: AdminModel, ids: [Int64]) async throws -> AdminDeletePlan {
        try await db.reader.read { db in try Self.deletePlan(db, model, ids: ids) }
    }

    /// How the rows this site may see among `ids` are named, by id, in id order.
    static func titles(_ db: Database, _ model: AdminModel, ids: [Int64]) throws -> [(id: Int64, title: String)] {
        try SQLRequest<Row>(
            literal: """
                SELECT t.id, \(literal: model.titleSQL) FROM \(identifier: model.table) t
                WHERE t.id IN \(ids) \(literal: scopeClause(model)) ORDER BY t.id
                """
        ).fetchAll(db).map { ($0[0], $0[1] ?? "#\($0[0] as Int64)") }
    }

    func titles(_ model: AdminModel, ids: [Int64]) async throws -> [(id: Int64, title: String)] {
        try await db.reader.read { db in try Self.titles(db, model, ids: ids) }
    }

    /// What deleting `ids` would do, read from the foreign keys that point at the model's table:
    /// `CASCADE` rows go too, `RESTRICT` rows forbid it, `SET NULL` rows stay and lose the link.
    static func deletePlan(_ db: Database, _ model: AdminModel, ids: [Int64]) throws -> AdminDeletePlan {
        let named = try Self.titles(db, model, ids: ids)
        var cascades: [String] = []
        var blockers: [String] = []
        for reference in try AdminSchema.references(to: model.table, db) where reference.effect != .unlinks {
            let count = try SQLRequest<Int>(
                literal: "SELECT COUNT(*) FROM \(identifier: reference.table) WHERE \(identifier: reference.column) IN \(ids)"
            ).fetchOne(db) ?? 0
            guard count > 0 else { continue }
            let noun = reference.noun
            let text = "\(count) \(count == 1 ? noun.singular : noun.plural)"
            if reference.effect == .blocks { blockers.append(text) } else { cascades.append(text) }
        }
        return AdminDeletePlan(named: named, cascades: cascades, blockers: blockers)
    }

    /// Deletes the rows (all or none), refusing when anything protects them.
    func delete(_ model: AdminModel, site: AdminSite, ids: [Int64], actor: AdminActor) async throws -> Int {
        try await db.dbWriter.write { db in
            let plan = try Self.deletePlan(db, model, ids: ids)
            guard plan.blockers.isEmpty else { throw AdminSaveError.protected }
            guard plan.named.count == ids.count else { throw AdminSaveError.notFound }
            for (id, title) in plan.named {
                try AdminLog.record(db, user: actor, site: site, model: model, objectID: id, title: title, action: .delete)
            }
            try db.execute(
                literal: "DELETE FROM \(identifier: model.table) WHERE id IN \(plan.named.map(\.id))"
            )
            return db.changesCount
        }
    }

    func run(_ action: AdminAction, on model: AdminModel, site: AdminSite, ids: [Int64], actor: AdminActor) async throws -> Int {
        try await db.dbWriter.write { db in
            let named = try Self.titles(db, model, ids: ids)
            guard named.count == ids.count else { throw AdminSaveError.notFound }
            let changed = try action.run(db, ids, write(by: actor))
            for (id, title) in named {
                try AdminLog.record(db, user: actor, site: site, model: model, objectID: id, title: title, action: .bulk(action.name))
            }
            return changed
        }
    }
}
