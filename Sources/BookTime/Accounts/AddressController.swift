import Hummingbird

/// The address book pages (the book's four `LoginRequiredMixin` views), each limited to the
/// signed-in user's own addresses: anyone else's id answers 404.
struct AddressController {
    let db: AppDatabase
    let addressBook: AddressReads
    let views: Views

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group().add(middleware: RequireRoleMiddleware())
        group.get(RouterPath(Routes.addressList), use: list)
        group.get(RouterPath(Routes.addressCreate), use: createForm)
        group.post(RouterPath(Routes.addressCreate), use: create)
        group.get(Routes.Pattern.addressUpdate.routerPath, use: updateForm)
        group.post(Routes.Pattern.addressUpdate.routerPath, use: update)
        group.get(Routes.Pattern.addressDelete.routerPath, use: confirmDelete)
        group.post(Routes.Pattern.addressDelete.routerPath, use: delete)
    }

    struct ListPage {
        struct Entry {
            let name: String
            let address1: String
            /// nil when blank, so the template skips its line.
            let address2: String?
            let zipCode: String
            let city: String
            let countryName: String
            let updateURL: String
            let deleteURL: String
        }

        let addresses: [Entry]
        let createURL = Routes.addressCreate
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entries = try await addressBook.addresses(userID: try userID(context)).map {
            ListPage.Entry(
                name: $0.name, address1: $0.address1, address2: $0.address2.isEmpty ? nil : $0.address2, zipCode: $0.zipCode, city: $0.city,
                countryName: $0.countryName, updateURL: Routes.addressUpdate(id: $0.id ?? 0), deleteURL: Routes.addressDelete(id: $0.id ?? 0)
            )
        }
        return views.render("address_list", page: ListPage(addresses: entries), title: "Your addresses", request: request, context: context)
    }

    @Sendable func createForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        formPage(FormValidator(FormData(fields: [])), isNew: true, request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let userID = try userID(context)
        switch AddressForm.validate(try await request.formData(context: context)) {
        case .failure(let failure):
            return formPage(failure.validator, isNew: true, request: request, context: context, status: .unprocessableContent)
        case .success(let form):
            var address = Address(userId: userID, name: "", address1: "", zipCode: "", city: "", country: "")
            form.apply(to: &address)
            try await db.addresses.saveAddress(address)
            context.flash.add(.success, "The address was added.")
            // Back to where the visitor came from (the checkout's "add a new one").
            return .redirect(to: LocalRedirect.target(request.uri.queryParameters.get("next"), default: Routes.addressList), type: .normal)
        }
    }

    @Sendable func updateForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let address = try await ownedAddress(context)
        return formPage(FormValidator(AddressForm.data(from: address)), isNew: false, id: address.id, request: request, context: context)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        var address = try await ownedAddress(context)
        switch AddressForm.validate(try await request.formData(context: context)) {
        case .failure(let failure):
            return formPage(failure.validator, isNew: false, id: address.id, request: request, context: context, status: .unprocessableContent)
        case .success(let form):
            form.apply(to: &address)
            try await db.addresses.saveAddress(address)
            context.flash.add(.success, "The address was updated.")
            return .redirect(to: Routes.addressList, type: .normal)
        }
    }

    struct DeletePage {
        let summary: String
        let actionURL: String
        let listURL = Routes.addressList
    }

    @Sendable func confirmDelete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let address = try await ownedAddress(context)
        let page = DeletePage(summary: address.summary, actionURL: Routes.addressDelete(id: address.id ?? 0))
        return views.render("address_confirm_delete", page: page, title: "Delete address", request: request, context: context)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try addressID(context)
        guard try await db.addresses.deleteAddress(id: id, userID: try userID(context)) else { throw HTTPError(.notFound) }
        context.flash.add(.success, "The address was deleted.")
        return .redirect(to: Routes.addressList, type: .normal)
    }

    // MARK: Helpers

    private func formPage(
        _ validator: FormValidator, isNew: Bool, id: Int64? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        let page = AddressForm.page(
            for: validator,
            heading: isNew ? "Add a new address" : "Update address",
            actionURL: isNew ? Routes.addressCreate + nextQuery(request) : Routes.addressUpdate(id: id ?? 0),
            submitLabel: isNew ? "Add address" : "Save address"
        )
        return views.render("address_form", page: page, title: page.heading, request: request, context: context, status: status)
    }

    /// `?next=` carried through the create form, when it is a local path.
    private func nextQuery(_ request: Request) -> String {
        guard let next = request.uri.queryParameters.get("next"), LocalRedirect.isLocalPath(next) else { return "" }
        return "?next=" + Routes.queryEncoded(next)
    }

    private func userID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.currentUserID else { throw HTTPError(.unauthorized) }
        return id
    }

    private func addressID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.notFound) }
        return id
    }

    /// The user's own address with the id in the path; 404 for anyone else's or a missing one.
    private func ownedAddress(_ context: AppRequestContext) async throws -> Address {
        guard let address = try await db.addresses.address(id: try addressID(context), userID: try userID(context)) else { throw HTTPError(.notFound) }
        return address
    }
}
