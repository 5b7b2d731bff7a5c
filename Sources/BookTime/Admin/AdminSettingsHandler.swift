import Foundation
import Hummingbird

/// The owners' shop settings page: the delivery charge, the order total from which delivery is
/// free, and the stock level the dashboard calls low (`ShopSettings`).
extension AdminController {
    struct SettingsPage {
        let site: AdminSiteView
        let charge: FieldView
        let freeFrom: FieldView
        let lowStock: FieldView
        let source: String
        let hasErrors: Bool
    }

    /// What the form posts, checked: amounts such as 3.50, a whole number of copies.
    static func settings(from data: FormData) -> Result<ShopSettings.Values, FormValidatorFailure> {
        var validator = FormValidator(data)
        let chargeText = validator.text("delivery_charge", required: false, maxLength: 20)
        let freeFromText = validator.text("free_delivery_from", required: false, maxLength: 20)
        let lowStockText = validator.text("low_stock_threshold", maxLength: 7)
        var values = ShopSettings.Values()
        if chargeText.isEmpty {
            values.delivery.charge = 0
        } else if let charge = Currency.parseMinorUnits(chargeText), charge >= 0, charge <= 100_000_00 {
            values.delivery.charge = charge
        } else {
            validator.addError("Enter an amount such as 3.50, or leave it empty for free delivery.", to: "delivery_charge")
        }
        if !freeFromText.isEmpty {
            if let freeFrom = Currency.parseMinorUnits(freeFromText), freeFrom > 0, freeFrom <= 100_000_00 {
                values.delivery.freeFrom = freeFrom
            } else {
                validator.addError("Enter an amount such as 30.00, or leave it empty.", to: "free_delivery_from")
            }
        }
        if let threshold = Int(lowStockText), (0...100_000).contains(threshold) {
            values.lowStockThreshold = threshold
        } else if validator.errors["low_stock_threshold"] == nil {
            validator.addError("Enter a whole number of copies from 0 to 100000.", to: "low_stock_threshold")
        }
        return validator.isValid ? .success(values) : .failure(FormValidatorFailure(validator))
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        guard actor.isOwner, let shopSettings else { throw HTTPError(.forbidden) }
        var request = request
        if request.method == .post {
            let data = try await request.formData(context: context)
            switch Self.settings(from: data) {
            case .success(let values):
                try await shopSettings.save(values)
                context.flash.add(.success, "The shop settings were saved.")
                return .redirect(to: site.settingsURL, type: .normal)
            case .failure(let failure):
                return try await renderSettings(failure.validator, actor: actor, request: request, context: context, status: .unprocessableContent)
            }
        }
        let current = shopSettings.current
        let data = FormData(fields: [
            ("delivery_charge", current.delivery.charge == 0 ? "" : Currency.plain(current.delivery.charge)),
            ("free_delivery_from", current.delivery.freeFrom.map(Currency.plain) ?? ""),
            ("low_stock_threshold", String(current.lowStockThreshold)),
        ])
        return try await renderSettings(FormValidator(data), actor: actor, request: request, context: context, status: .ok)
    }

    private func renderSettings(
        _ validator: FormValidator, actor: AdminActor, request: Request, context: AppRequestContext, status: HTTPResponse.Status
    ) async throws -> Response {
        let saved = try await shopSettings?.deliveryIsSaved() ?? false
        let page = SettingsPage(
            site: AdminSiteView(site, actor: actor),
            charge: validator.field("delivery_charge", label: "Delivery charge", maxLength: 20, required: false, help: "Added to every order; empty: delivery is free."),
            freeFrom: validator.field(
                "free_delivery_from", label: "Free delivery from", maxLength: 20, required: false,
                help: "Orders whose books come to this much or more travel free; empty: never."
            ),
            lowStock: validator.field("low_stock_threshold", label: "Low stock at", maxLength: 7, help: "The dashboard lists books with this many copies or fewer."),
            source: saved
                ? "Saved here; they apply to orders placed from now on."
                : "Not saved here yet: the delivery rate comes from --delivery-charge / --free-delivery-from (BOOKTIME_DELIVERY_CHARGE, BOOKTIME_FREE_DELIVERY_FROM), else delivery is free.",
            hasErrors: !validator.isValid
        )
        return views.render("admin_settings", page: page, title: "Shop settings | \(site.header)", request: request, context: context, status: status)
    }
}
