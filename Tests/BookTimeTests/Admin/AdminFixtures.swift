import Foundation
import GRDB
import HummingbirdTesting

@testable import BookTime

/// A shop with one of everything the back office shows, and a signed-in browser per role.
struct AdminShop {
    let owner: TestBrowser
    let employee: TestBrowser
    let dispatcher: TestBrowser
    let customer: TestBrowser
    let anonymous: TestBrowser
    let product: Product
    let tagID: Int64
    let imageID: Int64
    let customerID: Int64
    let addressID: Int64
    let basketID: Int64
    let order: Order
    /// The order's confirmation email.
    let emailID: Int64
    /// A device token of the buyer's.
    let apiTokenID: Int64

    func browser(_ role: Role?) -> TestBrowser {
        switch role {
        case .owner: owner
        case .employee: employee
        case .dispatcher: dispatcher
        case .customer: customer
        case nil: anonymous
        }
    }

    /// The id of the record of `model` that the fixture made.
    func id(of model: String) -> Int64 {
        switch model {
        case "product": product.id ?? 0
        case "producttag": tagID
        case "productimage": imageID
        case "user": customerID
        case "address": addressID
        case "basket": basketID
        case "email": emailID
        case "apitoken": apiTokenID
        default: order.id ?? 0
        }
    }

    /// `testPassword` hashed once for every shop of the run: bcrypt is the slow part of a fixture.
    static let passwordHash = Task { try await PasswordHasher.hash(testPassword) }

    /// Makes one user per role (`<role>@booktime.domain`), signs in those of `signIn` (a browser
    /// each; the others' browsers stay signed out), and places one paid order of two copies (one line).
    static func make(
        _ browser: TestBrowser, _ db: AppDatabase, orderStatus: OrderStatus = .paid, signIn: Set<Role> = Set(Role.allCases)
    ) async throws -> AdminShop {
        let hash = try await passwordHash.value
        try await db.dbWriter.write { db in
            for role in Role.allCases {
                var user = User(email: "\(role.rawValue)@booktime.domain", passwordHash: hash, isStaff: role != .customer, isSuperuser: role == .owner)
                try user.insert(db)
                let group = role == .employee ? StaffGroup.employees : role == .dispatcher ? StaffGroup.dispatchers : nil
                if let group {
                    try db.execute(
                        sql: "INSERT INTO userGroupMembership (userId, userGroupId) SELECT ?, id FROM userGroup WHERE name = ?",
                        arguments: [user.id, group]
                    )
                }
            }
        }
        var browsers: [Role: TestBrowser] = [:]
        for role in Role.allCases {
            let roleBrowser = TestBrowser(client: browser.client)
            if signIn.contains(role) { try await roleBrowser.logIn("\(role.rawValue)@booktime.domain", testPassword) }
            browsers[role] = roleBrowser
        }
        let product = try await ShopFixtures.product(db, "The cathedral and the bazaar", price: 1000)
        let productID = product.id ?? 0
        let customer = try await ShopFixtures.customer(db, "buyer@booktime.domain")
        let customerID = customer.id ?? 0
        let address = try await ShopFixtures.address(db, userID: customerID)
        let (tagID, imageID) = try await db.dbWriter.write { db -> (Int64, Int64) in
            try db.execute(sql: "INSERT INTO productTag (name, slug) VALUES ('Open source', 'open-source')")
            let tagID = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO productTagLink (productId, productTagId) VALUES (?, ?)", arguments: [productID, tagID])
            try db.execute(
                sql: "INSERT INTO imageBlob (hash, contentType, width, height, size, data) VALUES ('abc', 'image/png', 1, 1, 1, x'00')"
            )
            try db.execute(
                sql: "INSERT INTO productImage (productId, imageHash, thumbnailHash, createdAt) VALUES (?, 'abc', 'abc', ?)",
                arguments: [productID, Date.now]
            )
            return (tagID, db.lastInsertedRowID)
        }
        let basketID = try await db.baskets.addToBasket(basketID: nil, userID: customerID, productID: productID, quantity: 2).basketID
        let email = OrderEmailSettings(mail: MailSettings(), publicURL: "http://shop.test", currency: .gbp)
        var order = try await db.orders.placeOrder(
            basketID: basketID, userID: customerID, billingAddressID: address.id ?? 0, shippingAddressID: address.id ?? 0, email: email
        )
        if orderStatus != .new {
            try await db.orders.setOrderStatus(orderID: order.id ?? 0, to: orderStatus, by: nil)
            order.status = orderStatus
        }
        return AdminShop(
            owner: browsers[.owner]!, employee: browsers[.employee]!, dispatcher: browsers[.dispatcher]!, customer: browsers[.customer]!,
            anonymous: TestBrowser(client: browser.client), product: product, tagID: tagID, imageID: imageID, customerID: customerID,
            addressID: address.id ?? 0, basketID: basketID, order: order,
            emailID: try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT MAX(id) FROM emailOutbox") } ?? 0,
            apiTokenID: try await {
                _ = try await db.users.createAPIToken(userID: customerID, device: "Phone")
                return try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT MAX(id) FROM apiToken") } ?? 0
            }()
        )
    }
}

extension TestResponse {
    /// The hidden optimistic-concurrency token of a change form.
    var fingerprint: String { text.firstMatch(of: /name="_fingerprint" value="([^"]*)"/).map { String($0.1) } ?? "" }

    /// The messages shown next to fields.
    var fieldErrors: [String] { text.matches(of: /class="field-error">([^<]*)</).map { String($0.1) } }
}

extension AppDatabase {
    func adminLog() async throws -> [AdminLogEntry] {
        try await reader.read { try AdminLogEntry.order(Column("id")).fetchAll($0) }
    }
}
