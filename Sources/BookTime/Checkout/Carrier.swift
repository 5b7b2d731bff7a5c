import AsyncHTTPClient
import Foundation
import NIOCore

/// Where an order's parcel is, as a carrier says it (the book's order tracker).
protocol Carrier: Sendable {
    var name: String { get }
    /// The carrier's word for the order's shipment; throws `CarrierError` when it cannot say.
    func status(of order: OrderDetail) async throws -> String
}

enum CarrierError: Error, Equatable {
    /// No answer within the timeout.
    case timedOut
    /// An answer that was an error, or none at all.
    case failed(String)
}

/// The shop as its own carrier: the shipment status from the order lines' statuses.
struct BuiltInCarrier: Carrier {
    let name = "BookTime"

    func status(of order: OrderDetail) async throws -> String {
        let statuses = order.lines.map(\.status)
        if statuses.isEmpty || statuses.allSatisfy({ $0 == .cancelled }) { return "Cancelled" }
        if statuses.allSatisfy(\.isFinal) { return "Shipped" }
        if statuses.contains(.sent) { return "Partly shipped" }
        if statuses.contains(.processing) { return "Being packed" }
        return order.order.status == .new ? "Awaiting payment" : "Waiting for dispatch"
    }
}

/// A carrier's tracking service over HTTP: `GET` the URL template with `{order}` filled in, and its
/// body (trimmed, at most 200 characters) is the status, as in the book's tracker. A slow carrier
/// is cut off at `timeout`; anything but a 2xx answer is a failure.
struct HTTPCarrier: Carrier {
    let name: String
    let urlTemplate: String
    let timeout: Duration
    let client: HTTPClient

    func status(of order: OrderDetail) async throws -> String {
        let url = urlTemplate.replacingOccurrences(of: "{order}", with: String(order.order.id ?? 0))
        let request = HTTPClientRequest(url: url)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw CarrierError.timedOut
        } catch {
            throw CarrierError.failed("\(error)")
        }
        guard (200..<300).contains(response.status.code) else { throw CarrierError.failed("status \(response.status.code)") }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw CarrierError.failed("\(error)")
        }
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CarrierError.failed("an empty answer") }
        return String(text.prefix(200))
    }
}
