import Foundation
import GRDB

/// The email outbox for owners: every message with its status and attempts, its whole text as a
/// preview, and "Retry" for the ones that failed (or are waiting for their next attempt).
enum OutboxAdmin {
    static let statuses = [
        AdminChoice(value: OutboxEmail.Status.pending.rawValue, label: "Pending"),
        AdminChoice(value: OutboxEmail.Status.sent.rawValue, label: "Sent"),
        AdminChoice(value: OutboxEmail.Status.failed.rawValue, label: "Failed"),
    ]

    /// Back in the queue, due now; a sent message stays sent.
    static let retry = AdminAction(name: "retry", label: "Retry sending the selected emails") { db, ids, _ in
        try db.execute(
            literal: """
                UPDATE emailOutbox SET status = \(OutboxEmail.Status.pending.rawValue), nextAttemptAt = \(Date.now)
                WHERE status != \(OutboxEmail.Status.sent.rawValue) AND id IN \(ids)
                """
        )
        return db.changesCount
    }

    static let outbox: AdminModel = {
        var model = AdminModel(
            name: "email", label: "Email", plural: "Emails", table: "emailOutbox", titleSQL: "t.subject",
            columns: [
                AdminColumn(name: "subject", label: "Subject", sql: "t.subject"),
                AdminColumn(name: "to", label: "To", sql: "t.toAddress"),
                AdminColumn(name: "status", label: "Status", sql: "t.status", format: .choice(statuses)),
                AdminColumn(name: "attempts", label: "Attempts", sql: "t.attempts"),
                AdminColumn(name: "created_at", label: "Queued", sql: "t.createdAt", format: .dateTime),
                AdminColumn(name: "sent_at", label: "Sent", sql: "t.sentAt", format: .dateTime),
            ],
            filters: [
                .choice(name: "status", label: "Status", sql: "t.status", choices: statuses),
                .dateRange(name: "created_at", label: "Queued", sql: "t.createdAt"),
            ],
            search: ["t.toAddress", "t.subject"],
            defaultOrder: "t.id DESC"
        )
        model.fields = [
            AdminField(name: "to", column: "toAddress", label: "To", kind: .text(maxLength: 320)),
            AdminField(name: "from", column: "fromAddress", label: "From", kind: .text(maxLength: 320)),
            AdminField(name: "reply_to", column: "replyTo", label: "Reply to", kind: .text(maxLength: 320, required: false)),
            AdminField(name: "subject", column: "subject", label: "Subject", kind: .text(maxLength: 998)),
            AdminField(name: "body", column: "body", label: "Message", kind: .multiline),
            AdminField(name: "html_body", column: "htmlBody", label: "HTML part", kind: .multiline),
            AdminField(name: "status", column: "status", label: "Status", kind: .choice(statuses)),
            AdminField(name: "attempts", column: "attempts", label: "Attempts", kind: .integer(0...1000)),
            AdminField(name: "last_error", column: "lastError", label: "Last error", kind: .text(maxLength: 10_000, required: false)),
            AdminField(name: "created_at", column: "createdAt", label: "Queued", kind: .dateTime),
            AdminField(name: "next_attempt_at", column: "nextAttemptAt", label: "Next attempt", kind: .dateTime),
            AdminField(name: "sent_at", column: "sentAt", label: "Sent", kind: .dateTime),
        ]
        // A record of what was sent: nothing in it is edited by hand.
        model.readOnly = Set(model.fields.map(\.name))
        model.actions = [retry]
        model.permissions = [.view, .change]
        return model
    }()

    /// Without `BOOKTIME_SMTP_URL` nothing leaves the shop: the outbox says so above its list.
    static func explainingUnsentMail(_ model: AdminModel) -> AdminModel {
        guard model.table == OutboxEmail.databaseTableName else { return model }
        var model = model
        model.listNotice = """
            Mail is queued here and not sent: no mail server is set. Start the shop with             BOOKTIME_SMTP_URL=smtp://user:password@mail.example:587 (or smtps://… on port 465) and the queue goes out, oldest first.
            """
        return model
    }
}
