import Foundation
import GRDB
import HummingbirdTesting

@testable import BookTime

/// Products, customers and addresses for basket and checkout tests.
enum ShopFixtures {
    @discardableResult
    static func product(_ db: AppDatabase, _ name: String, price: Int, stock: Int? = nil, active: Bool = true, inStock: Bool = true) async throws -> Product {
        var product = try await db.catalog.createProduct(ProductInput(name: name, price: price, active: active, inStock: inStock))
        if let stock {
            let id = product.id
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET stockCount = ? WHERE id = ?", arguments: [stock, id]) }
            product.stockCount = stock
        }
        return product
    }

    /// A customer without going through bcrypt (for tests that never sign in with a password).
    static func customer(_ db: AppDatabase, _ email: String) async throws -> User {
        try await db.dbWriter.write { db in
            var user = User(email: email, passwordHash: "not a bcrypt hash")
            try user.insert(db)
            return user
        }
    }

    @discardableResult
    static func address(_ db: AppDatabase, userID: Int64, name: String = "John Smith", address1: String = "1 the road") async throws -> Address {
        try await db.addresses.saveAddress(Address(userId: userID, name: name, address1: address1, zipCode: "LC11RA", city: "Smithland", country: "uk"))
    }

    static func addToBasket(_ browser: TestBrowser, _ product: Product, quantity: Int? = nil) async throws -> TestResponse {
        var form = [("product_id", String(product.id ?? 0))]
        if let quantity { form.append(("quantity", String(quantity))) }
        return try await browser.post("/add_to_basket/", form: form)
    }

    static func basketCount(_ browser: TestBrowser) async throws -> Int {
        let html = try await browser.get("/about-us/").text
        return Int(html.firstMatch(of: /data-basket-count>(\d+) items?</).map { String($0.1) } ?? "") ?? -1
    }

    static func orderCount(_ db: AppDatabase) async throws -> Int {
        try await db.reader.read { try Order.fetchCount($0) }
    }
}
