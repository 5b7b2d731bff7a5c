import Foundation
import Hummingbird

/// The chat's pages (the book's `chat_room.html` and `customer_service.html`, now with their own
/// checks: Appendix A, 12) and the dashboard's presence stream.
struct CustomerServiceController {
    let db: AppDatabase
    let views: Views
    let hub: ChatHub

    func addRoutes(to router: Router<AppRequestContext>) {
        let staff = router.group().add(middleware: RequireRoleMiddleware(.employee))
        staff.get(RouterPath(Routes.customerService), use: dashboard)
        router.get(RouterPath(Routes.customerServiceNotify), use: notify)
        router.group().add(middleware: RequireRoleMiddleware()).get(Routes.Pattern.chatRoom.routerPath, use: room)
        router.get(Routes.Pattern.chatSocket.routerPath, use: socketWithoutUpgrade)
    }

    struct DashboardPage {
        let notifyURL: String
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        views.render("chat_dashboard", page: DashboardPage(notifyURL: Routes.customerServiceNotify), title: "Customer chats", request: request, context: context)
    }

    /// `GET /customer-service/notify/`: Server-Sent Events for employees and owners; others 403.
    @Sendable func notify(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.currentUser, user.has(.employee) else {
            context.logger.info("Unauthorized notify stream for user \(context.currentUser?.email ?? "anonymous")")
            throw HTTPError(.forbidden)
        }
        context.logger.info("Opening notify stream for user \(user.email)")
        return ChatDashboard(db: db, hub: hub).stream(once: EventStream.isNoPoll(request))
    }

    struct RoomPage {
        let orderNumber: String
        let socketURL: String
        let orderURL: String
        let orderLinkLabel: String
        let dashboardURL: String?
        let username: String
    }

    /// `GET /customer-service/<order_id>/`: the order's customer or staff; anyone else 404.
    @Sendable func room(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.currentUser, let orderID = context.parameters.get("id", as: Int64.self),
            let member = try await db.chat.member(orderID: orderID, user: user)
        else { throw HTTPError(.notFound) }
        let page = RoomPage(
            orderNumber: Order.number(id: orderID), socketURL: Routes.chatSocket(orderID: orderID),
            orderURL: member.isStaff ? AdminSite.officeOrderURL(id: orderID) : Routes.order(id: orderID),
            orderLinkLabel: member.isStaff ? "The order in the back office" : "Your order",
            dashboardURL: member.isStaff ? Routes.customerService : nil, username: member.username
        )
        return views.render("chat_room", page: page, title: "Chat about order \(Order.number(id: orderID))", request: request, context: context)
    }

    /// The socket's URL asked without an upgrade (a refused upgrade never gets here: it is 403).
    @Sendable func socketWithoutUpgrade(_ request: Request, context: AppRequestContext) async throws -> Response {
        var response = Response(status: .upgradeRequired, headers: [.contentType: "text/plain; charset=utf-8", .upgrade: "websocket"])
        response.body = .init(byteBuffer: .init(string: "This address is the chat's WebSocket; open it with a WebSocket client.\n"))
        return response
    }
}
