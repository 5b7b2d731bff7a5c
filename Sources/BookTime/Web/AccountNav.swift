import Mustache

/// What the `layout_account` template shows in the header: sign-in and sign-up links, or the
/// user's email, "My account", "Log out" and the back-office sites their roles open.
struct AccountNav {
    struct Link {
        let label: String
        let url: String
    }

    let signedIn: Bool
    let email: String
    let accountURL = Routes.account
    let logoutURL = Routes.logout
    let csrfToken: String
    let loginURL: String
    let signupURL: String
    let backOffice: [Link]

    init(user: CurrentUser?, path: String, csrfToken: String) {
        self.signedIn = user != nil
        self.email = user?.email ?? ""
        self.csrfToken = csrfToken
        // Come back here after signing in, except from the account pages themselves.
        let next = path.hasPrefix(Routes.loginPath) || path.hasPrefix(Routes.signupPath) || path.hasPrefix(Routes.passwordReset) ? nil : path
        self.loginURL = Routes.login(next: next)
        self.signupURL = Routes.signup(next: next)
        var links: [Link] = []
        if let user {
            if user.has(.owner) { links.append(Link(label: "Owners admin", url: Routes.ownersAdmin)) }
            if user.has(.employee) { links.append(Link(label: "Office admin", url: Routes.officeAdmin)) }
            if user.has(.dispatcher) { links.append(Link(label: "Dispatch admin", url: Routes.dispatchAdmin)) }
            if user.isStaff { links.append(Link(label: "Orders", url: Routes.orderDashboard)) }
        }
        self.backOffice = links
    }
}

extension AccountNav: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "signedIn": signedIn
        case "email": email
        case "accountURL": accountURL
        case "logoutURL": logoutURL
        case "csrfToken": csrfToken
        case "loginURL": loginURL
        case "signupURL": signupURL
        case "backOffice": backOffice
        default: nil
        }
    }
}

extension AccountNav.Link: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "url": url
        default: nil
        }
    }
}
