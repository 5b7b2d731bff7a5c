import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// The order workflow in the back office: every status change goes through `OrderWorkflow`.
@Suite struct AdminOrderTests {
    static func order(_ db: AppDatabase, _ id: Int64?) async throws -> Order? {
        try await db.reader.read { try Order.fetchOne($0, key: id) }
    }

    static func lines(_ db: AppDatabase, _ orderID: Int64?) async throws -> [OrderLine] {
        try await db.reader.read { try OrderLine.filter(Column("orderId") == orderID).order(Column("id")).fetchAll($0) }
    }

    static func history(_ db: AppDatabase, _ orderID: Int64?) async throws -> [OrderHistoryEntry] {
        try await db.reader.read { try OrderHistoryEntry.filter(Column("orderId") == orderID).order(Column("id")).fetchAll($0) }
    }

    @Test func anEmployeeMarksAnOrderPaidButCannotChangeItsCustomer() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, orderStatus: .new, signIn: [.employee])
            let id = shop.order.id!
            let url = "/office-admin/order/\(id)/"
            let page = try await shop.employee.get(url)
            #expect(page.text.contains("Change order: BT\(id)"))
            #expect(page.text.contains("Billing info") && page.text.contains("Shipping info"))
            #expect(!page.text.contains("name=\"user\""))
            var form = [("_fingerprint", page.fingerprint), ("user", "1"), ("status", "20")]
            for prefix in ["billing", "shipping"] {
                form += [("\(prefix)_name", "John Smith"), ("\(prefix)_address1", "1 the road"), ("\(prefix)_address2", ""),
                         ("\(prefix)_zip_code", "LC11RA"), ("\(prefix)_city", "Smithland"), ("\(prefix)_country", "uk")]
            }
            let saved = try await shop.employee.post(url, form: form)
            #expect(saved.status == .seeOther)
            let order = try #require(try await Self.order(db, id))
            #expect(order.status == .paid)
            #expect(order.userId == shop.customerID)
            let history = try await Self.history(db, id)
            #expect(history.last?.fromStatus == OrderStatus.new.rawValue && history.last?.toStatus == OrderStatus.paid.rawValue)
            #expect(history.last?.userId != nil, "who changed it is recorded")
            #expect(try await db.adminLog().last?.decodedChanges == [AdminLogEntry.Change(field: "status", old: "New", new: "Paid")])
        }
    }

    @Test func theOrderListChangesStatusesThroughTheWorkflowToo() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, orderStatus: .new, signIn: [.owner])
            let id = shop.order.id!
            let search = try await shop.owner.get("/admin/order/?q=buyer%40booktime")
            #expect(search.text.contains(">BT\(id)<"), "search through the join to the customer's email")
            #expect(try await shop.owner.get("/admin/order/?q=nobody").text.contains("0 orders"))
            let edited = try await shop.owner.post("/admin/order/", form: [("_save", "1"), ("_rows", "\(id)"), ("row-\(id)-status", "20")])
            #expect(edited.status == .seeOther)
            #expect(try await Self.order(db, id)?.status == .paid)
            #expect(try await Self.history(db, id).count == 2)
            let invalid = try await shop.owner.post("/admin/order/", form: [("_save", "1"), ("_rows", "\(id)"), ("row-\(id)-status", "99")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.fieldErrors == [AdminFieldError.invalidChoice.description])
            #expect(invalid.text.contains("Please correct the errors below. Nothing was changed."), "said on this page, not the next")
            #expect(try await Self.order(db, id)?.status == .paid)
        }
    }

    @Test func aDispatcherSeesPaidOrdersOnlyAndSendsTheirLines() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.dispatcher])
            let unpaid = try await db.dbWriter.write { db -> Int64 in
                try db.execute(
                    sql: """
                        INSERT INTO shopOrder (userId, status, billingName, billingAddress1, billingZipCode, billingCity, billingCountry,
                            shippingName, shippingAddress1, shippingZipCode, shippingCity, shippingCountry, dateAdded, dateUpdated)
                        SELECT userId, 10, 'Secret Billing', 'x', 'x', 'x', 'uk', 'Other', 'x', 'x', 'x', 'uk', dateAdded, dateUpdated FROM shopOrder
                        """
                )
                return db.lastInsertedRowID
            }
            let id = shop.order.id!
            // A second title in the order: two lines to send.
            let second = try await ShopFixtures.product(db, "Free as in Freedom", price: 800)
            try await db.dbWriter.write { db in
                try db.execute(sql: "INSERT INTO orderLine (orderId, productId, quantity, unitPrice) VALUES (?, ?, 1, 800)", arguments: [id, second.id])
            }
            let list = try await shop.dispatcher.get("/dispatch-admin/order/")
            #expect(list.text.contains(">BT\(id)<"))
            #expect(!list.text.contains("BT\(unpaid)<"))
            #expect(try await shop.dispatcher.get("/dispatch-admin/order/\(unpaid)/").status == .notFound)

            let page = try await shop.dispatcher.get("/dispatch-admin/order/\(id)/")
            #expect(page.text.contains("Shipping info"))
            #expect(!page.text.contains("Billing info"))
            let lines = try await Self.lines(db, id)
            #expect(lines.count == 2)
            #expect(!page.text.contains("name=\"status\""), "the order's own status is not theirs to change")
            let sendFirst = [("_fingerprint", page.fingerprint), ("status", "10")] + lines.map { ("orderLine-ids", "\($0.id!)") }
                + [("orderLine-\(lines[0].id!)-status", "30"), ("orderLine-\(lines[1].id!)-status", "20")]
            #expect(try await shop.dispatcher.post("/dispatch-admin/order/\(id)/", form: sendFirst).status == .seeOther)
            #expect(try await Self.order(db, id)?.status == .paid)
            #expect(try await Self.lines(db, id).map(\.status) == [.sent, .processing])

            let again = try await shop.dispatcher.get("/dispatch-admin/order/\(id)/")
            let sendSecond = [("_fingerprint", again.fingerprint)] + lines.map { ("orderLine-ids", "\($0.id!)") }
                + [("orderLine-\(lines[0].id!)-status", "30"), ("orderLine-\(lines[1].id!)-status", "40")]
            #expect(try await shop.dispatcher.post("/dispatch-admin/order/\(id)/", form: sendSecond).status == .seeOther)
            #expect(try await Self.order(db, id)?.status == .done, "the last finished line closes the order")
            #expect(try await Self.history(db, id).map(\.toStatus).suffix(4) == [30, 20, 40, 30], "lines in order, then the order")
            #expect(try await shop.dispatcher.get("/dispatch-admin/order/\(id)/").status == .notFound, "a done order leaves the dispatch list")
        }
    }

    /// The dispatcher's one click for an order: every open line sent, history per line, the order
    /// done, and the customer told it is on its way.
    @Test func markAllLinesSentClosesTheOrderAndTellsTheCustomer() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.dispatcher])
            let id = shop.order.id!
            let second = try await ShopFixtures.product(db, "Free as in Freedom", price: 800)
            try await db.dbWriter.write { db in
                try db.execute(sql: "INSERT INTO orderLine (orderId, productId, quantity, unitPrice) VALUES (?, ?, 3, 800)", arguments: [id, second.id])
            }
            let page = try await shop.dispatcher.get("/dispatch-admin/order/\(id)/")
            #expect(page.text.contains("<th scope=\"col\">Quantity</th>"))
            let list = try await shop.dispatcher.get("/dispatch-admin/order/")
            #expect(list.text.contains("Mark all lines sent"))
            let confirm = try await shop.dispatcher.post("/dispatch-admin/order/", form: [("action", "mark_all_sent"), ("_selected", "\(id)")])
            #expect(confirm.status == .ok)
            let done = try await shop.dispatcher.post(
                "/dispatch-admin/order/", form: [("action", "mark_all_sent"), ("_selected", "\(id)"), ("confirm", "yes")]
            )
            #expect(done.status == .seeOther)
            #expect(try await Self.lines(db, id).map(\.status) == [.sent, .sent])
            #expect(try await Self.order(db, id)?.status == .done)
            #expect(try await Self.history(db, id).map(\.toStatus).suffix(3) == [30, 30, 30], "each line, then the order")
            let email = try #require(try await db.outbox.outbox().first { $0.subject == "Your BookTime order BT\(id) is on its way" })
            #expect(email.toAddress == "buyer@booktime.domain")
            #expect(email.body.contains("3 x Free as in Freedom, £8.00 each: £24.00"))
        }
    }

    @Test func aLineOfAnotherBasketCannotBeChangedFromThisOne() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let otherBasket = try await db.baskets.addToBasket(basketID: nil, userID: nil, productID: shop.product.id!, quantity: 1).basketID
            let lineID = try #require(try await db.baskets.basketItems(basketID: otherBasket).first?.lineId)
            let page = try await shop.owner.get("/admin/basket/\(shop.basketID)/")
            let foreign = try await shop.owner.post(
                "/admin/basket/\(shop.basketID)/", form: [("_fingerprint", page.fingerprint), ("status", "20"), ("basketLine-ids", "\(lineID)"), ("basketLine-\(lineID)-quantity", "3")]
            )
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.text.contains("That line is not part of this basket."))
            let tooMany = try await shop.owner.post(
                "/admin/basket/\(shop.basketID)/", form: [("_fingerprint", page.fingerprint), ("status", "20"), ("basketLine-ids", "1"), ("basketLine-1-quantity", "11")]
            )
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.fieldErrors == ["Enter a number from 1 to 10."])
            let quantity = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT quantity FROM basketLine WHERE id = ?", arguments: [lineID]) }
            #expect(quantity == 1)
        }
    }
}
