import Hummingbird

/// The session's basket, as a request knows it.
public struct BasketReference: Sendable, Equatable {
    public let id: Int64
    /// The sum of the quantities, shown in the header.
    public let itemCount: Int
}

/// Django's basket middleware: finds the session's basket on every request, and forgets it when
/// it was deleted or belongs to someone else (a signed-out user's basket stays theirs). The
/// visitor's own submitted basket reads as no basket but stays in the session until the next
/// "add to basket" replaces it: placing an order then costs no session write.
struct BasketMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let baskets: BasketReads

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let basketID = context.sessions.session?.basketID {
            let basket = try await baskets.state(id: basketID)
            if let basket, basket.isUsable(by: context.currentUserID) {
                context.basket = BasketReference(id: basket.id, itemCount: basket.itemCount)
            } else if let basket, basket.status == .submitted, basket.userId == context.currentUserID {
                // An order now; nothing to change in the session.
            } else {
                context.sessions.withLockedSession { $0?.basketID = nil }
            }
        }
        return try await next(request, context)
    }
}

extension AppRequestContext {
    /// Points the session at `basketID`, starting a session for a first-time visitor.
    func rememberBasket(_ basketID: Int64?) {
        if sessions.session == nil {
            guard let basketID else { return }
            sessions.createSession(AppSession(basketID: basketID), expiresIn: AccountSessions.lifetime)
        } else {
            sessions.withLockedSession { $0?.basketID = basketID }
        }
    }
}
