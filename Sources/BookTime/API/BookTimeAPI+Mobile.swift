import Foundation
import OpenAPIRuntime

/// The book's mobile API: a device token for an email and password, the user's orders, and the
/// shipment tracker of one of them.
extension BookTimeAPI {
    /// One message for every refusal, so the answer does not tell which part was wrong.
    static let wrongCredentials = APIError(status: .badRequest, code: "invalid_credentials", message: "Unable to log in with provided credentials.")

    func createMobileToken(_ input: Operations.CreateMobileToken.Input) async throws -> Operations.CreateMobileToken.Output {
        let credentials: Components.Schemas.Credentials
        switch input.body {
        case .json(let body): credentials = body
        case .urlEncodedForm(let body): credentials = body
        }
        guard let request = APIRequest.current else { throw APIError.unauthenticated }
        guard let user = try await signIn.verify(email: credentials.username, password: credentials.password, clientAddress: request.clientAddress, logger: request.logger)
        else { throw Self.wrongCredentials }
        let key = try await db.users.createAPIToken(userID: user.id, device: credentials.device ?? "")
        return .ok(.init(body: .json(.init(token: key))))
    }

    func listMyOrders(_ input: Operations.ListMyOrders.Input) async throws -> Operations.ListMyOrders.Output {
        let user = try APIRequest.require().user
        let read = try await reads.myOrders.value(for: user.id) { db in
            APIReads.MyOrders(summaries: try OrderStore.orders(db, userID: user.id), thumbnails: try OrderStore.thumbnails(db, userID: user.id))
        }
        let (summaries, thumbnails) = (read.summaries, read.thumbnails)
        let orders = summaries.map { summary in
            Components.Schemas.MyOrder(
                id: summary.order.id ?? 0, image: thumbnails[summary.order.id ?? 0].map { Routes.image(hash: $0) },
                summary: summary.items.joined(separator: ", "), price: Currency.plain(summary.total), currency: currency.code
            )
        }
        return .ok(.init(body: .json(orders)))
    }

    func trackMyOrder(_ input: Operations.TrackMyOrder.Input) async throws -> Operations.TrackMyOrder.Output {
        let user = try APIRequest.require().user
        guard let order = try await db.orders.order(id: input.path.id, userID: user.id) else { throw APIError.notFound }
        do {
            let status = try await carrier.status(of: order)
            return .ok(.init(body: .json(.init(order: input.path.id, status: status, carrier: carrier.name))))
        } catch CarrierError.timedOut {
            throw APIError(status: .gatewayTimeout, code: "carrier_timeout", message: "The carrier did not answer in time. Try again later.")
        } catch CarrierError.failed {
            throw APIError(status: .badGateway, code: "carrier_error", message: "The carrier could not say where this order is. Try again later.")
        }
    }
}
