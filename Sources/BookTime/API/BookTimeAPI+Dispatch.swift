import Foundation
import OpenAPIRuntime

/// The book's dispatch API (`/api/orderlines/`, `/api/orders/`): lines and shipping addresses of
/// paid orders, for dispatchers and owners only.
extension BookTimeAPI {
    static let dispatchRoles: Set<Role> = [.dispatcher, .owner]
    static let pageSize = 100

    // MARK: Order lines

    func listOrderLines(_ input: Operations.ListOrderLines.Input) async throws -> Operations.ListOrderLines.Output {
        let request = try APIRequest.require(Self.dispatchRoles).request
        let page = input.query.page ?? 1
        let status = input.query.status.flatMap { OrderLineStatus(rawValue: $0.rawValue) }
        let read = try await db.orders.paidOrderLines(order: input.query.order, status: status, page: page, pageSize: Self.pageSize)
        let (lines, total) = (read.lines, read.total)
        try Self.checkPage(page, total: total)
        var filters: [String] = []
        if let order = input.query.order { filters.append("order=\(order)") }
        if let status = input.query.status { filters.append("status=\(status.rawValue)") }
        let links = Self.links(request.baseURL + Routes.apiOrderLines, page: page, total: total, filters: filters)
        return .ok(.init(body: .json(.init(count: total, next: links.next, previous: links.previous, results: lines.map { Self.line($0, request) }))))
    }

    func getOrderLine(_ input: Operations.GetOrderLine.Input) async throws -> Operations.GetOrderLine.Output {
        let request = try APIRequest.require(Self.dispatchRoles).request
        guard let line = try await db.orders.paidOrderLine(id: input.path.id) else { throw APIError.notFound }
        return .ok(.init(body: .json(Self.line(line, request))))
    }

    func putOrderLine(_ input: Operations.PutOrderLine.Input) async throws -> Operations.PutOrderLine.Output {
        guard case .json(let change) = input.body else { throw APIError.notFound }
        return .ok(.init(body: .json(try await setStatus(of: input.path.id, to: change.status))))
    }

    func patchOrderLine(_ input: Operations.PatchOrderLine.Input) async throws -> Operations.PatchOrderLine.Output {
        guard case .json(let change) = input.body else { throw APIError.notFound }
        return .ok(.init(body: .json(try await setStatus(of: input.path.id, to: change.status))))
    }

    /// Only `status` is writable, and only as the workflow allows: a sent or cancelled line is final.
    private func setStatus(of id: Int64, to status: Components.Schemas.OrderLineStatus) async throws -> Components.Schemas.OrderLine {
        let (request, user) = try APIRequest.require(Self.dispatchRoles)
        guard let status = OrderLineStatus(rawValue: status.rawValue) else { throw APIError.invalid(["status": "Not a line status."]) }
        do {
            guard let line = try await db.orders.setPaidOrderLineStatus(id: id, to: status, by: user.id, notify: orderEmail) else {
                throw APIError.notFound
            }
            return Self.line(line, request)
        } catch let failure as OrderWorkflow.Failure {
            throw APIError(status: .conflict, code: "invalid_transition", message: failure.description)
        }
    }

    static func line(_ line: OrderStore.DispatchLine, _ request: APIRequest) -> Components.Schemas.OrderLine {
        .init(
            id: line.id, order: request.baseURL + Routes.apiOrder(id: line.orderID), product: line.product, quantity: line.quantity,
            status: Components.Schemas.OrderLineStatus(rawValue: line.status.rawValue) ?? ._10
        )
    }

    // MARK: Orders

    func listOrders(_ input: Operations.ListOrders.Input) async throws -> Operations.ListOrders.Output {
        let request = try APIRequest.require(Self.dispatchRoles).request
        let page = input.query.page ?? 1
        let read = try await db.orders.paidOrders(page: page, pageSize: Self.pageSize)
        let (orders, total) = (read.orders, read.total)
        try Self.checkPage(page, total: total)
        let links = Self.links(request.baseURL + Routes.apiOrders, page: page, total: total, filters: [])
        return .ok(.init(body: .json(.init(count: total, next: links.next, previous: links.previous, results: orders.map(Self.order)))))
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        _ = try APIRequest.require(Self.dispatchRoles)
        guard let order = try await db.orders.paidOrder(id: input.path.id) else { throw APIError.notFound }
        return .ok(.init(body: .json(Self.order(order))))
    }

    func putOrder(_ input: Operations.PutOrder.Input) async throws -> Operations.PutOrder.Output {
        guard case .json(let address) = input.body else { throw APIError.notFound }
        let fields: [String: String] = [
            "name": address.shippingName, "address1": address.shippingAddress1, "address2": address.shippingAddress2,
            "zip_code": address.shippingZipCode, "city": address.shippingCity, "country": address.shippingCountry,
        ]
        return .ok(.init(body: .json(try await setShipping(of: input.path.id, fields))))
    }

    func patchOrder(_ input: Operations.PatchOrder.Input) async throws -> Operations.PatchOrder.Output {
        guard case .json(let patch) = input.body else { throw APIError.notFound }
        guard let order = try await db.orders.paidOrder(id: input.path.id) else { throw APIError.notFound }
        let fields: [String: String] = [
            "name": patch.shippingName ?? order.shippingName, "address1": patch.shippingAddress1 ?? order.shippingAddress1,
            "address2": patch.shippingAddress2 ?? order.shippingAddress2, "zip_code": patch.shippingZipCode ?? order.shippingZipCode,
            "city": patch.shippingCity ?? order.shippingCity, "country": patch.shippingCountry ?? order.shippingCountry,
        ]
        return .ok(.init(body: .json(try await setShipping(of: input.path.id, fields))))
    }

    /// The shipping address through the address form's own rules (lengths, required fields, the
    /// countries offered); its errors come back under the API's field names.
    private func setShipping(of id: Int64, _ fields: [String: String]) async throws -> Components.Schemas.Order {
        _ = try APIRequest.require(Self.dispatchRoles)
        switch AddressForm.validate(FormData(fields: fields.map { ($0.key, $0.value) })) {
        case .failure(let failure):
            throw APIError.invalid(Dictionary(uniqueKeysWithValues: failure.validator.errors.map { ("shipping_" + $0.key, $0.value) }))
        case .success(let address):
            guard let order = try await db.orders.setShippingAddress(orderID: id, to: address) else { throw APIError.notFound }
            return Self.order(order)
        }
    }

    static func order(_ order: Order) -> Components.Schemas.Order {
        .init(
            id: order.id ?? 0, status: Components.Schemas.OrderStatus(rawValue: order.status.rawValue) ?? ._20,
            shippingName: order.shippingName, shippingAddress1: order.shippingAddress1, shippingAddress2: order.shippingAddress2,
            shippingZipCode: order.shippingZipCode, shippingCity: order.shippingCity, shippingCountry: order.shippingCountry,
            dateAdded: order.dateAdded, dateUpdated: order.dateUpdated
        )
    }

    // MARK: Pages

    /// A page past the last is not found (as Django REST Framework answers), but page 1 of nothing is
    /// an empty page.
    static func checkPage(_ page: Int, total: Int) throws {
        let pages = max(1, (total + pageSize - 1) / pageSize)
        guard page >= 1, page <= pages else { throw APIError(status: .notFound, code: "not_found", message: "Invalid page.") }
    }

    static func links(_ base: String, page: Int, total: Int, filters: [String]) -> (next: String?, previous: String?) {
        func url(_ number: Int) -> String {
            let query = filters + (number > 1 ? ["page=\(number)"] : [])
            return base + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
        let pages = max(1, (total + pageSize - 1) / pageSize)
        return (page < pages ? url(page + 1) : nil, page > 1 ? url(page - 1) : nil)
    }
}
