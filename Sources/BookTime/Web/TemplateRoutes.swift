import Mustache

/// The shop's fixed URLs as templates see them: `{{routes.basket}}`. Every page's data carries
/// it (`RenderData`), so a template never spells a path that `Routes` already defines.
struct TemplateRoutes: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "home": Routes.home
        case "aboutUs": Routes.aboutUs
        case "contactUs": Routes.contactUs
        case "allProducts": Routes.allProducts
        case "search": Routes.search
        case "addToBasket": Routes.addToBasket
        case "basket": Routes.basket
        case "addressSelect": Routes.addressSelect
        case "orders": Routes.orders
        case "passwordReset": Routes.passwordReset
        case "orderDashboard": Routes.orderDashboard
        case "customerService": Routes.customerService
        case "customerServiceNotify": Routes.customerServiceNotify
        case "mobileApp": Routes.mobileApp
        case "mobileAuth": Routes.mobileAuth
        case "myOrders": Routes.myOrders
        default: nil
        }
    }
}
