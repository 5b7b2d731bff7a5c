import Testing

@testable import BookTime

/// A path is written once: the router registers a pattern and links fill the same pattern in.
@Suite struct RoutePatternTests {
    @Test func patternsNameTheirParametersAndFillThemIn() {
        #expect(Routes.Pattern.product.parameters == ["slug"])
        #expect(Routes.product(slug: "emma") == "/product/emma/")
        #expect(AdminSite.Pattern.change.parameters == ["model", "id"])
        #expect(AdminSite.owners.changeURL(CatalogAdmin.product(for: .owners), id: 7) == "/admin/product/7/")
        #expect(AdminSite.dispatch.imagesURL(CatalogAdmin.product(for: .dispatch), id: 7) == "/dispatch-admin/product/7/images/")
        #expect(Routes.cover(slug: "emma") == "/covers/emma.svg")
        #expect(Routes.products(tag: "all", page: 2) == "/products/all/?page=2")
    }

    /// Each built link reaches the handler its pattern was registered for (not a 404).
    @Test func builtLinksReachTheirPages() async throws {
        try await withTestApp { browser, db in
            let product = try await ShopFixtures.product(db, "Emma", price: 799)
            #expect(try await browser.get(Routes.product(slug: product.slug)).status == .ok)
            #expect(try await browser.get(Routes.cover(slug: product.slug)).status == .ok)
            #expect(try await browser.get(Routes.allProducts).status == .ok)
            #expect(try await browser.get(Routes.search(query: "emma")).status == .ok)
            let signedOut = try await browser.get(Routes.order(id: 1))
            #expect(signedOut.status == .seeOther, "the orders group's sign-in check applies to the detail pattern")
            #expect(try await browser.get(Routes.addressUpdate(id: 1)).status == .seeOther)
        }
    }
}
