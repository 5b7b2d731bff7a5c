import Foundation
import GRDB

/// Why something could not go into the basket, worded for a flash message.
public enum BasketError: Error, Equatable, CustomStringConvertible {
    case unknownProduct
    case unavailable(String)
    case invalidQuantity
    /// More copies than are left: the product, the copies left and how many the basket holds.
    case notEnoughStock(name: String, left: Int, inBasket: Int)

    public var description: String {
        switch self {
        case .unknownProduct: "That product does not exist."
        case .unavailable(let name): "Sorry, \(name) is not available at the moment."
        case .invalidQuantity: "Choose a quantity from 1 to \(BasketLine.maxQuantity)."
        case .notEnoughStock(let name, let left, let inBasket):
            "Only \(left) left of \(name)" + (inBasket > 0 ? ", and your basket has \(inBasket) already." : ".")
        }
    }
}

/// The database side of baskets and their lines.
public struct BasketStore: Sendable {
    let db: AppDatabase
}

extension AppDatabase {
    public var baskets: BasketStore { BasketStore(db: self) }
}

extension BasketStore {
    /// A basket's owner, status and item count (sum of quantities); nil when it does not exist.
    /// Asked after every basket write and by every request whose basket is not in memory.
    static func basketState(_ db: Database, id: Int64) throws -> BasketState? {
        let statement = try db.cachedStatement(sql: "SELECT \(BasketState.columnsSQL) FROM basket b WHERE b.id = ?")
        return try BasketState.fetchOne(statement, arguments: [id])
    }

    /// A signed-in user's newest open basket, if any.
    static func openBasketState(_ db: Database, userID: Int64) throws -> BasketState? {
        let statement = try db.cachedStatement(
            sql: "SELECT \(BasketState.columnsSQL) FROM basket b WHERE b.userId = ? AND b.status = ? ORDER BY b.id DESC LIMIT 1"
        )
        return try BasketState.fetchOne(statement, arguments: [userID, BasketStatus.open])
    }

    /// Adds `quantity` copies (or more, to an existing line, up to 10). With no `basketID`, a
    /// signed-in user's newest open basket takes them (two tabs adding at once fill one basket),
    /// else a new basket. Returns the basket id, the product's name and slug, and its quantity now.
    /// With `baskets`, the basket's new state is left in memory for the visitor's next request.
    func addToBasket(basketID: Int64?, userID: Int64?, productID: Int64, quantity: Int, keepingIn baskets: BasketReads? = nil) async throws
        -> (basketID: Int64, productName: String, productSlug: String, quantity: Int)
    {
        guard (1...BasketLine.maxQuantity).contains(quantity) else { throw BasketError.invalidQuantity }
        // The shop's busiest write: cached statements only (building a query-interface request
        // and preparing its statement costs several times running it).
        return try await db.dbWriter.write { db in
            let product = try Product.fetchOne(db.cachedStatement(sql: "SELECT * FROM product WHERE id = ?"), arguments: [productID])
            guard let product else { throw BasketError.unknownProduct }
            guard product.isAvailable else { throw BasketError.unavailable(product.name) }
            var basketID = basketID
            if basketID == nil, let userID {
                basketID = try Self.openBasketState(db, userID: userID)?.id
            }
            if basketID == nil {
                let insert = try db.cachedStatement(sql: "INSERT INTO basket (userId, status, createdAt) VALUES (?, ?, ?)")
                try insert.execute(arguments: [userID, BasketStatus.open, DatabaseDate(.now)])
                basketID = db.lastInsertedRowID
            }
            guard let basketID else { throw BasketError.unknownProduct }
            if let left = product.stockCount {
                // Counted stock: refuse at once what Place order would refuse later.
                let current = try db.cachedStatement(sql: "SELECT quantity FROM basketLine WHERE basketId = ? AND productId = ?")
                let inBasket = try Int.fetchOne(current, arguments: [basketID, productID]) ?? 0
                if min(inBasket + quantity, BasketLine.maxQuantity) > left {
                    throw BasketError.notEnoughStock(name: product.name, left: left, inBasket: inBasket)
                }
            }
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO basketLine (basketId, productId, quantity) VALUES (?, ?, ?)
                    ON CONFLICT (basketId, productId) DO UPDATE SET quantity = MIN(quantity + excluded.quantity, ?)
                    RETURNING quantity
                    """
            )
            let updated = try Int.fetchOne(upsert, arguments: [basketID, productID, quantity, BasketLine.maxQuantity]) ?? quantity
            try baskets?.keepState(db, id: basketID)
            return (basketID, product.name, product.slug, updated)
        }
    }

    /// The basket's lines with their products, in the order they were added.
    public func basketItems(basketID: Int64) async throws -> [BasketItem] {
        try await db.reader.read { db in try Self.basketItems(db, basketID: basketID) }
    }

    static func basketItems(_ db: Database, basketID: Int64) throws -> [BasketItem] {
        try BasketItem.fetchAll(
            db,
            sql: """
                SELECT l.id AS lineId, p.id AS productId, l.quantity, p.name, p.slug, p.price,
                    \(Product.availableSQL) AS available,
                    (SELECT i.thumbnailHash FROM productImage i WHERE i.productId = p.id ORDER BY i.position, i.id LIMIT 1) AS thumbnailHash
                FROM basketLine l JOIN product p ON p.id = l.productId
                WHERE l.basketId = ? ORDER BY l.id
                """,
            arguments: [basketID]
        )
    }

    /// Sets quantities and removes lines in one transaction. Every line id must belong to this
    /// basket and every quantity must be 1–10, or nothing changes.
    func updateBasket(basketID: Int64, quantities: [Int64: Int], remove: Set<Int64>, keepingIn baskets: BasketReads? = nil) async throws {
        try await db.dbWriter.write { db in
            let lineIDs = try Int64.fetchSet(db, sql: "SELECT id FROM basketLine WHERE basketId = ?", arguments: [basketID])
            guard Set(quantities.keys).union(remove).isSubset(of: lineIDs) else { throw BasketUpdateError.foreignLine }
            guard quantities.values.allSatisfy({ (1...BasketLine.maxQuantity).contains($0) }) else { throw BasketError.invalidQuantity }
            let stock = try Row.fetchAll(
                db, sql: "SELECT l.id, p.name, p.stockCount FROM basketLine l JOIN product p ON p.id = l.productId WHERE l.basketId = ?",
                arguments: [basketID]
            )
            let short = stock.compactMap { row -> String? in
                let lineID: Int64 = row["id"]
                guard !remove.contains(lineID), let quantity = quantities[lineID], let left: Int = row["stockCount"], quantity > left else { return nil }
                return BasketError.notEnoughStock(name: row["name"], left: left, inBasket: 0).description
            }
            guard short.isEmpty else { throw BasketUpdateError.notEnoughStock(short) }
            for (lineID, quantity) in quantities where !remove.contains(lineID) {
                try db.execute(sql: "UPDATE basketLine SET quantity = ? WHERE id = ?", arguments: [quantity, lineID])
            }
            for lineID in remove {
                try db.execute(sql: "DELETE FROM basketLine WHERE id = ?", arguments: [lineID])
            }
            try baskets?.keepState(db, id: basketID)
        }
    }

    /// At sign-in: the visitor's basket merges into the user's open basket (quantities of the same
    /// product added, capped at 10) and the emptied one is deleted; with only one of them, that one
    /// is the user's. Returns the basket the session should point at. A signed-in user therefore
    /// never ends up with two open baskets, never loses the lines added while signed out, and never
    /// takes over a basket that belongs to someone else.
    func basketAtSignIn(userID: Int64, sessionBasketID: Int64?) async throws -> Int64? {
        try await db.dbWriter.write { db in
            let owned = try Basket.filter(Basket.Columns.userId == userID && Basket.Columns.status == BasketStatus.open)
                .order(Column("id").desc).fetchOne(db)
            var visitor: Basket? = nil
            if let sessionBasketID, let basket = try Basket.fetchOne(db, key: sessionBasketID), basket.status == .open,
                basket.userId == nil || basket.userId == userID
            {
                visitor = basket
            }
            switch (visitor, owned) {
            case (nil, nil):
                return nil
            case (nil, let owned?):
                return owned.id
            case (var visitor?, nil):
                visitor.userId = userID
                try visitor.update(db)
                return visitor.id
            case (let visitor?, let owned?):
                guard visitor.id != owned.id else { return owned.id }
                try db.execute(
                    sql: """
                        INSERT INTO basketLine (basketId, productId, quantity)
                        SELECT ?, productId, quantity FROM basketLine WHERE basketId = ?
                        ON CONFLICT (basketId, productId) DO UPDATE SET quantity = MIN(quantity + excluded.quantity, ?)
                        """,
                    arguments: [owned.id, visitor.id, BasketLine.maxQuantity]
                )
                try db.execute(sql: "DELETE FROM basket WHERE id = ?", arguments: [visitor.id])
                return owned.id
            }
        }
    }
}

/// What the header and the basket middleware need of a basket.
struct BasketState: Sendable, Equatable, Decodable, FetchableRecord {
    let id: Int64
    let userId: Int64?
    let status: BasketStatus
    let itemCount: Int

    /// Its columns, selected from `basket` aliased `b`.
    static let columnsSQL = "b.id, b.userId, b.status, (SELECT COALESCE(SUM(l.quantity), 0) FROM basketLine l WHERE l.basketId = b.id) AS itemCount"

    /// Open, and either nobody's yet or this user's.
    func isUsable(by userID: Int64?) -> Bool {
        status == .open && (userId == nil || userId == userID)
    }
}

/// The basket reads of every request, from memory when nothing changed since (see `TableCache`).
final class BasketReads: Sendable {
    let db: AppDatabase
    /// Baskets by id, and signed-in users' open baskets.
    private let states: TableCache<Key, BasketState?>
    private let items: TableCache<Int64, [BasketItem]>
    /// Rendered basket pages, keyed by everything they show (`BasketPage.cacheKey`).
    let pages = PageCache(capacity: 5000)

    init(db: AppDatabase) {
        self.db = db
        // A submitted basket never changes again: a session naming the user's last order keeps it.
        states = TableCache(db: db, tables: ["basket", "basketLine"], isSettled: { $0?.status == .submitted })
        items = TableCache(db: db, tables: ["basket", "basketLine", "product", "productImage"])
    }

    enum Key: Hashable {
        case basket(Int64)
        case openBasket(userID: Int64)
    }

    func state(id: Int64) async throws -> BasketState? {
        try await states.value(for: .basket(id)) { db in try BasketStore.basketState(db, id: id) }
    }

    /// The user's newest open basket, if any.
    func openBasket(userID: Int64) async throws -> BasketState? {
        try await states.value(for: .openBasket(userID: userID)) { db in try BasketStore.openBasketState(db, userID: userID) }
    }

    func items(basketID: Int64) async throws -> [BasketItem] {
        try await items.value(for: basketID) { db in try BasketStore.basketItems(db, basketID: basketID) }
    }

    /// Inside a write to a basket: its state (and its owner's open basket) as this transaction
    /// leaves them, kept in memory once the transaction commits, so the next request of its
    /// visitor does not read them again.
    func keepState(_ db: Database, id: Int64) throws {
        let state = try BasketStore.basketState(db, id: id)
        states.store(afterCommitOf: db, key: .basket(id), value: state)
        if let userID = state?.userId {
            states.store(afterCommitOf: db, key: .openBasket(userID: userID), value: try BasketStore.openBasketState(db, userID: userID))
        }
    }
}

/// A basket form naming a line of another basket.
enum BasketUpdateError: Error {
    case foreignLine
    /// One sentence per line asking for more copies than are left.
    case notEnoughStock([String])

    /// What the basket page says; nothing was changed.
    var messages: [String] {
        switch self {
        case .foreignLine: ["That line is not in your basket. Reload the page and try again."]
        case .notEnoughStock(let messages): messages
        }
    }
}
