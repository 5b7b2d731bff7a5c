import Hummingbird

/// The session's basket, as a request knows it.
public struct BasketReference: Sendable, Equatable {
    public let id: Int64
    /// The sum of the quantities, shown in the header.
    public let itemCount: Int
}

/// Django's basket middleware: finds the session's basket on every request, and forgets it when
/// it was deleted or belongs to someone else (a signed-out user's basket stays theirs).
///
/// When the session names the signed-in user's own submitted basket (they ordered), their basket
/// is their newest open one, found by user: neither placing an order nor starting the next basket
/// rewrites the session.
struct BasketMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let baskets: BasketReads

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let basketID = context.sessions.session?.basketID {
            let basket = try await baskets.state(id: basketID)
            if let basket, basket.isUsable(by: context.currentUserID) {
                context.basket = BasketReference(id: basket.id, itemCount: basket.itemCount)
            } else if let basket, basket.status == .submitted, let userID = context.currentUserID, basket.userId == userID {
                context.basketFollowsUser = true
                if let open = try await baskets.openBasket(userID: userID) {
                    context.basket = BasketReference(id: open.id, itemCount: open.itemCount)
                }
            } else {
                context.sessions.withLockedSession { $0?.basketID = nil }
            }
        }
        return try await next(request, context)
    }
}

extension AppRequestContext {
    /// Points the session at `basketID`, starting a session for a first-time visitor; nothing to
    /// do when the basket is found by user (`basketFollowsUser`).
    func rememberBasket(_ basketID: Int64?) {
        if basketFollowsUser, basketID != nil { return }
        if sessions.session == nil {
            guard let basketID else { return }
            sessions.createSession(AppSession(basketID: basketID), expiresIn: AccountSessions.lifetime)
        } else {
            sessions.withLockedSession { $0?.basketID = basketID }
        }
    }
}
