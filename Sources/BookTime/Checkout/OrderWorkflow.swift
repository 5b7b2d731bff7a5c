import Foundation
import GRDB

/// The one place order and line statuses change (the book's signal that closes an order, made
/// explicit). Every change writes an `orderHistory` row in the same transaction; an order becomes
/// DONE, in that transaction too, once every line is SENT or CANCELLED.
public enum OrderWorkflow {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notFound
        case finished(String)

        public var description: String {
            switch self {
            case .notFound: "No such order or order line."
            case .finished(let what): "\(what) is finished and cannot change any more."
            }
        }
    }

    /// Records a new order (no previous status).
    static func recordCreation(_ db: Database, orderID: Int64, by userID: Int64?, at now: Date) throws {
        var entry = OrderHistoryEntry(orderId: orderID, userId: userID, fromStatus: nil, toStatus: OrderStatus.new.rawValue, changedAt: now)
        try entry.insertFast(db)
    }

    /// Sets an order's status (an owner or employee marking it paid). A done order stays done.
    /// With `notify`, a customer whose order becomes paid is emailed.
    public static func setStatus(
        _ db: Database, orderID: Int64, to status: OrderStatus, by userID: Int64?, at now: Date = .now, notify: OrderEmailSettings? = nil
    ) throws {
        guard var order = try Order.fetchOne(db, key: orderID) else { throw Failure.notFound }
        guard order.status != status else { return }
        guard order.status != .done else { throw Failure.finished("Order \(order.number)") }
        let previous = order.status
        order.status = status
        order.dateUpdated = now
        try order.update(db)
        var entry = OrderHistoryEntry(orderId: orderID, userId: userID, fromStatus: previous.rawValue, toStatus: status.rawValue, changedAt: now)
        try entry.insertFast(db)
        if status == .paid, let notify { try OrderEmail.enqueue(.paid, db, orderID: orderID, settings: notify, now: now) }
    }

    /// Sets one line's status (processing, sent, cancelled); closes the order when it was the last
    /// open line. With `notify`, the customer is emailed when that closes it with books sent.
    public static func setLineStatus(
        _ db: Database, lineID: Int64, to status: OrderLineStatus, by userID: Int64?, at now: Date = .now, notify: OrderEmailSettings? = nil
    ) throws {
        guard var line = try OrderLine.fetchOne(db, key: lineID) else { throw Failure.notFound }
        guard line.status != status else { return }
        guard !line.status.isFinal else { throw Failure.finished("This line") }
        let previous = line.status
        line.status = status
        try line.update(db)
        var entry = OrderHistoryEntry(
            orderId: line.orderId, orderLineId: lineID, userId: userID, fromStatus: previous.rawValue, toStatus: status.rawValue, changedAt: now
        )
        try entry.insertFast(db)
        try db.execute(sql: "UPDATE shopOrder SET dateUpdated = ? WHERE id = ?", arguments: [now, line.orderId])
        let open = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM orderLine WHERE orderId = ? AND status NOT IN (?, ?)",
            arguments: [line.orderId, OrderLineStatus.sent, OrderLineStatus.cancelled]
        ) ?? 0
        if open == 0, let order = try Order.fetchOne(db, key: line.orderId), order.status != .done {
            try setStatus(db, orderID: line.orderId, to: .done, by: nil, at: now)
            // Nothing is said of an order whose every line was cancelled (`enqueue` finds no sent line).
            if let notify { try OrderEmail.enqueue(.dispatched, db, orderID: line.orderId, settings: notify, now: now) }
        }
    }
}

extension OrderStore {
    public func setOrderStatus(orderID: Int64, to status: OrderStatus, by userID: Int64?, notify: OrderEmailSettings? = nil) async throws {
        try await db.dbWriter.write { db in try OrderWorkflow.setStatus(db, orderID: orderID, to: status, by: userID, notify: notify) }
    }

    public func setOrderLineStatus(lineID: Int64, to status: OrderLineStatus, by userID: Int64?, notify: OrderEmailSettings? = nil) async throws {
        try await db.dbWriter.write { db in try OrderWorkflow.setLineStatus(db, lineID: lineID, to: status, by: userID, notify: notify) }
    }
}
