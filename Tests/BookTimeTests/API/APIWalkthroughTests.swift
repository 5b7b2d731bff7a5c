import Foundation
import Testing

@testable import BookTime

/// The README's API walkthrough, run as written against the built `booktime` on a shop with two
/// paid orders, which it walks to Done as the book's dispatcher does: what a new user would paste works.
@Suite struct APIWalkthroughTests {
    static func readmeBlock() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let match = try #require(readme.firstMatch(of: /```bash api-walkthrough\n([\s\S]*?)```/))
        return String(match.1)
    }

    @Test func theREADMEWalkthroughRuns() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("shop.db")
        let password = "abcabcabc is a long enough phrase"
        do {
            let db = try AppDatabase.open(path: path)
            try db.migrate()
            try await db.users.createUser(email: "dispatch@booktime.domain", password: password, role: .dispatcher)
            let customer = try await ShopFixtures.customer(db, "user1@booktime.domain")
            let address = try await ShopFixtures.address(db, userID: customer.id!)
            let email = OrderEmailSettings(mail: MailSettings(), publicURL: "http://shop.test", currency: .gbp)
            for names in [["The cathedral and the bazaar"], ["Siddhartha", "Backgammon for dummies"]] {
                var basketID: Int64? = nil
                for name in names {
                    let product = try await ShopFixtures.product(db, name, price: 1000)
                    basketID = try await db.baskets.addToBasket(basketID: basketID, userID: customer.id, productID: product.id!, quantity: 1).basketID
                }
                let order = try await db.orders.placeOrder(
                    basketID: basketID!, userID: customer.id!, billingAddressID: address.id!, shippingAddressID: address.id!, email: email
                )
                try await db.orders.setOrderStatus(orderID: order.id!, to: .paid, by: nil)
            }
            try db.close()
        }
        let server = try ServerProcess(arguments: ["--db", path], in: directory.path)
        defer { _ = server.stop() }

        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-euo", "pipefail", "-c", try Self.readmeBlock()]
        shell.environment = ProcessInfo.processInfo.environment.merging([
            "BASE": server.baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")),
            "AUTH": "dispatch@booktime.domain:\(password)",
        ]) { $1 }
        let output = Pipe()
        shell.standardOutput = output
        try launch(shell)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0, "\(printed)")
        #expect(printed.hasPrefix(#"{"count":3,"#), "three lines of two paid orders: \(printed.prefix(200))")
        #expect(printed.components(separatedBy: #""shipping_name":"John Smith""#).count - 1 == 2, "both orders' addresses")
        #expect(printed.components(separatedBy: #""status":30"#).count - 1 == 3, "all three lines sent")
        #expect(printed.hasSuffix(#"{"count":0,"results":[]}{"count":0,"results":[]}"#), "both orders done: nothing left, seen with Basic and with a JWT")
    }
}
