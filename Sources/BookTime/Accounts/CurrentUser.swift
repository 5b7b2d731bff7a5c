/// The signed-in user as a request sees it: resolved from the session by `CurrentUserMiddleware`
/// on every request, so a deactivated or deleted account stops working at once.
public struct CurrentUser: Sendable, Equatable {
    public let id: Int64
    public let email: String
    public let roles: Set<Role>

    public init(id: Int64, email: String, roles: Set<Role>) {
        self.id = id
        self.email = email
        self.roles = roles
    }

    /// Whether this user may act as `role`; the rule itself is `Role.roles`.
    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Owners, employees and dispatchers: the roles with a back-office site.
    public var isStaff: Bool { has(.owner) || has(.employee) || has(.dispatcher) }
}
