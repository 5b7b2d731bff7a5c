import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// Owners read the outbox and send failed emails again.
@Suite struct OutboxAdminTests {
    @Test func ownersPreviewAndRetryEmails() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.employee, .owner])
            let id = shop.emailID
            try await db.dbWriter.write { db in
                try db.execute(
                    sql: "UPDATE emailOutbox SET status = 'failed', attempts = 8, lastError = 'mail server said no', nextAttemptAt = ? WHERE id = ?",
                    arguments: [Date.distantFuture, id]
                )
            }
            let failed = try await shop.owner.get("/admin/email/?status=failed")
            #expect(failed.text.contains("Your BookTime order BT\(shop.order.id!)"))
            #expect(failed.text.contains("1 email<"))
            let page = try await shop.owner.get("/admin/email/\(id)/")
            #expect(page.text.contains("Thank you for your order BT\(shop.order.id!)."), "the whole message is shown")
            #expect(page.text.contains("mail server said no"))
            #expect(!page.text.contains(">Save<"), "nothing on it can be edited")

            let confirm = try await shop.owner.post("/admin/email/", form: [("action", "retry"), ("_selected", "\(id)")])
            #expect(confirm.text.contains("Retry sending the selected emails (1 email)?"))
            let done = try await shop.owner.post("/admin/email/", form: [("action", "retry"), ("_selected", "\(id)"), ("confirm", "yes")])
            #expect(done.status == .seeOther)
            let email = try #require(try await db.reader.read { try OutboxEmail.fetchOne($0, key: id) })
            #expect(email.status == .pending)
            #expect(email.nextAttemptAt <= Date.now)
            #expect(try await db.adminLog().last?.action == .bulk("retry"))

            let edit = try await shop.owner.post("/admin/email/\(id)/", form: [("_fingerprint", page.fingerprint), ("body", "changed")])
            #expect(edit.status != .forbidden)
            #expect(try await db.reader.read { try OutboxEmail.fetchOne($0, key: id) }?.body.hasPrefix("Thank you") == true)
            #expect(try await shop.employee.get("/office-admin/email/").status == .notFound)
        }
    }

    @Test func aContactMessageShowsWhoToAnswer() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let visitor = TestBrowser(client: browser.client)
            let sent = try await visitor.post("/contact-us/", form: [("name", "Ann Elliot"), ("email", "ann@example.com"), ("message", "Do you ship to Bath?")])
            #expect(sent.status == .seeOther)
            let id = try #require(try await db.outbox.outbox().first { $0.replyTo == "ann@example.com" }?.id)
            let list = try await shop.owner.get("/admin/email/")
            #expect(list.text.contains("Site message from Ann Elliot"))
            let page = try await shop.owner.get("/admin/email/\(id)/").text
            #expect(page.contains("Reply to"))
            #expect(page.contains("ann@example.com"))
            #expect(page.contains("Do you ship to Bath?"))
        }
    }

    /// Audit actions are an enum in code and the same text in the table as before.
    @Test func auditActionsKeepTheirStoredText() {
        let actions: [AdminLogAction] = [.add, .change, .delete, .bulk("retry")]
        #expect(actions.map(\.text) == ["add", "change", "delete", "action:retry"])
        for action in actions { #expect(AdminLogAction.fromDatabaseValue(action.databaseValue) == action) }
    }
}
