/// What a user may do in the shop, derived from the book's flags and groups.
public enum Role: String, CaseIterable, Sendable, Codable {
    case owner, employee, dispatcher, customer

    /// The book's rules, in the one place every route asks:
    /// owner = active superuser; employee = active and (superuser, or staff in "Employees");
    /// dispatcher = active and (superuser, or staff in "Dispatchers"); customer = any active user.
    public static func roles(isActive: Bool, isSuperuser: Bool, isStaff: Bool, groups: Set<String>) -> Set<Role> {
        guard isActive else { return [] }
        var roles: Set<Role> = [.customer]
        if isSuperuser { roles.insert(.owner) }
        if isSuperuser || (isStaff && groups.contains(StaffGroup.employees)) { roles.insert(.employee) }
        if isSuperuser || (isStaff && groups.contains(StaffGroup.dispatchers)) { roles.insert(.dispatcher) }
        return roles
    }
}

/// The book's two groups, created by migration `0006_users`.
public enum StaffGroup {
    public static let employees = "Employees"
    public static let dispatchers = "Dispatchers"
}
