import Foundation
import GRDB

/// The book's `UserAdmin` (owners only) and `AddressAdmin`.
enum AccountsAdmin {
    static let user: AdminModel = {
        var model = AdminModel(
            name: "user", label: "User", plural: "Users", table: "user", titleSQL: "t.email",
            columns: [
                AdminColumn(name: "email", label: "Email address", sql: "t.email"),
                AdminColumn(name: "first_name", label: "First name", sql: "t.firstName"),
                AdminColumn(name: "last_name", label: "Last name", sql: "t.lastName"),
                AdminColumn(name: "is_staff", label: "Staff status", sql: "t.isStaff", format: .boolean),
            ],
            filters: [
                .boolean(name: "is_staff", label: "Staff status", sql: "t.isStaff"),
                .boolean(name: "is_superuser", label: "Superuser status", sql: "t.isSuperuser"),
                .boolean(name: "is_active", label: "Active", sql: "t.isActive"),
            ],
            search: ["t.email", "t.firstName", "t.lastName"],
            defaultOrder: "t.email"
        )
        model.fields = [
            AdminField(name: "email", column: "email", label: "Email address", kind: .email),
            AdminField(name: "first_name", column: "firstName", label: "First name", kind: .text(maxLength: 150, required: false)),
            AdminField(name: "last_name", column: "lastName", label: "Last name", kind: .text(maxLength: 150, required: false)),
            AdminField(
                name: "is_active", column: "isActive", label: "Active",
                kind: .boolean, help: "Unticked, the user cannot sign in and their sessions stop at once."
            ),
            AdminField(name: "is_staff", column: "isStaff", label: "Staff status", kind: .boolean),
            AdminField(name: "is_superuser", column: "isSuperuser", label: "Superuser status", kind: .boolean, help: "An owner: every permission."),
            AdminField(
                name: "groups", column: "groups", label: "Groups",
                kind: .manyToMany(AdminManyToMany(linkTable: "userGroupMembership", ownKey: "userId", otherKey: "userGroupId", otherTable: "userGroup", label: "name")),
                help: "Staff in Employees use the central office site; staff in Dispatchers the dispatch site."
            ),
            AdminField(name: "last_login", column: "lastLogin", label: "Last login", kind: .dateTime),
            AdminField(name: "date_joined", column: "dateJoined", label: "Date joined", kind: .dateTime),
        ]
        model.fieldsets = [
            AdminFieldset(title: nil, fields: ["email"]),
            AdminFieldset(title: "Personal info", fields: ["first_name", "last_name"]),
            AdminFieldset(title: "Permissions", fields: ["is_active", "is_staff", "is_superuser", "groups"]),
            AdminFieldset(title: "Important dates", fields: ["last_login", "date_joined"]),
        ]
        model.addFields = [
            AdminField(name: "email", column: "email", label: "Email address", kind: .email),
            AdminField(name: "role", column: "role", label: "Role", kind: .choice(roles), help: "Employees and dispatchers are staff in their group."),
            AdminField(name: "password1", column: "", label: "Password", kind: .password, help: PasswordPolicy.help),
            AdminField(name: "password2", column: "", label: "Password confirmation", kind: .password, help: "Enter the same password as before, for verification."),
        ]
        model.create = createUser
        model.permissions = [.view, .add, .change, .delete]
        return model
    }()

    static let roles = [
        AdminChoice(value: Role.customer.rawValue, label: "Customer"), AdminChoice(value: Role.employee.rawValue, label: "Employee (central office)"),
        AdminChoice(value: Role.dispatcher.rawValue, label: "Dispatcher"), AdminChoice(value: Role.owner.rawValue, label: "Owner"),
    ]

    /// Django's `UserCreationForm` in the admin: the same rules as sign-up and `booktime createuser`.
    static let createUser: AdminCreate = { db, values in
        guard values["password1"] == values["password2"] else {
            throw AdminSaveError.fieldErrors(["password2": "The two password fields didn’t match."])
        }
        guard let role = values["role"].flatMap(Role.init(rawValue:)) else { throw AdminSaveError.fieldErrors(["role": AdminFieldError.invalidChoice.description]) }
        do {
            let account = try await db.users.prepareAccount(email: values["email"] ?? "", password: values["password1"] ?? "", role: role)
            return { db in try account.insert(db).id ?? 0 }
        } catch let error as AccountError {
            switch error {
            case .invalidEmail, .duplicateEmail: throw AdminSaveError.fieldErrors(["email": error.description])
            case .weakPassword: throw AdminSaveError.fieldErrors(["password1": error.description])
            }
        }
    }

    static func address(for site: AdminSite.Kind) -> AdminModel {
        var model = AdminModel(
            name: "address", label: "Address", plural: "Addresses", table: "address", titleSQL: "t.name || ', ' || t.address1",
            columns: [
                AdminColumn(name: "user", label: "User", sql: "(SELECT u.email FROM user u WHERE u.id = t.userId)"),
                AdminColumn(name: "name", label: "Name", sql: "t.name"),
                AdminColumn(name: "address1", label: "Address line 1", sql: "t.address1"),
                AdminColumn(name: "address2", label: "Address line 2", sql: "t.address2"),
                AdminColumn(name: "city", label: "City", sql: "t.city"),
                AdminColumn(name: "country", label: "Country", sql: "t.country", format: .choice(OrderAdmin.countries)),
            ],
            filters: [.choice(name: "country", label: "Country", sql: "t.country", choices: OrderAdmin.countries)],
            search: ["t.name", "t.city", "(SELECT u.email FROM user u WHERE u.id = t.userId)"]
        )
        let lengths = AddressForm.lengths
        model.fields = [
            AdminField(name: "user", column: "userId", label: "User", kind: .foreignKey(table: "user", label: "email")),
            AdminField(name: "name", column: "name", label: "Name", kind: .text(maxLength: lengths.name)),
            AdminField(name: "address1", column: "address1", label: "Address line 1", kind: .text(maxLength: lengths.address1)),
            AdminField(name: "address2", column: "address2", label: "Address line 2", kind: .text(maxLength: lengths.address2, required: false)),
            AdminField(name: "zip_code", column: "zipCode", label: "ZIP / Postal code", kind: .text(maxLength: lengths.zipCode)),
            AdminField(name: "city", column: "city", label: "City", kind: .text(maxLength: lengths.city)),
            AdminField(name: "country", column: "country", label: "Country", kind: .choice(OrderAdmin.countries)),
        ]
        model.readOnly = ["user"]
        model.permissions = site == .dispatch ? [] : [.view, .change, .delete]
        return model
    }

    /// Mobile devices' API tokens (owners): who, which device, when made and last used; deleting
    /// one signs that device out at once. The key itself is never stored, so never shown.
    static let apiToken: AdminModel = {
        var model = AdminModel(
            name: "apitoken", label: "Device token", plural: "Device tokens", table: "apiToken",
            titleSQL: "COALESCE(NULLIF(t.device, ''), 'A device') || ' of ' || (SELECT u.email FROM user u WHERE u.id = t.userId)",
            columns: [
                AdminColumn(name: "user", label: "User", sql: "(SELECT u.email FROM user u WHERE u.id = t.userId)"),
                AdminColumn(name: "device", label: "Device", sql: "t.device"),
                AdminColumn(name: "created_at", label: "Signed in", sql: "t.createdAt", format: .dateTime),
                AdminColumn(name: "last_used_at", label: "Last used", sql: "t.lastUsedAt", format: .dateTime),
            ],
            search: ["(SELECT u.email FROM user u WHERE u.id = t.userId)", "t.device"]
        )
        model.fields = [
            AdminField(name: "user", column: "userId", label: "User", kind: .foreignKey(table: "user", label: "email")),
            AdminField(name: "device", column: "device", label: "Device", kind: .text(maxLength: 100, required: false)),
            AdminField(name: "created_at", column: "createdAt", label: "Signed in", kind: .dateTime),
            AdminField(name: "last_used_at", column: "lastUsedAt", label: "Last used", kind: .dateTime),
        ]
        model.readOnly = ["user", "device"]
        model.permissions = [.view, .delete]
        return model
    }()
}
