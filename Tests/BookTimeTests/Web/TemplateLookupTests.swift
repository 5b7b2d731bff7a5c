import Mustache
import Testing

@testable import BookTime

/// Types that answer Mustache's lookups by hand (`MustacheParent`, to skip `Mirror`) must answer
/// for every stored property; a forgotten case would render as an empty string without an error.
@Suite struct TemplateLookupTests {
    static func unanswered(_ value: some MustacheParent) -> [String] {
        Mirror(reflecting: value).children.compactMap(\.label).filter { value.child(named: $0) == nil }
    }

    static let item = BasketItem(lineId: 7, productId: 3, quantity: 2, name: "Emma", slug: "emma", price: 1250, available: true, thumbnailHash: "abc")

    @Test func basketPageAnswersEveryField() throws {
        let page = BasketPage(items: [Self.item], errors: ["x"], signedIn: true, currency: .gbp, delivery: DeliveryRate(charge: 350, freeFrom: 3000))
        #expect(Self.unanswered(page) == [])
        #expect(Self.unanswered(page.totals) == [])
        let line = try #require(page.lines.first)
        #expect(Self.unanswered(line) == [])
        #expect(line.child(named: "lineTotalText") as? String == "£25.00")
        #expect(line.child(named: "nothing") == nil)
    }

    @Test func orderEmailContentAnswersEveryField() throws {
        let line = OrderEmail.Content.Line(name: "Emma", quantity: 2, unitPriceText: "£7.99", lineTotalText: "£15.98")
        let content = OrderEmail.Content(
            subject: "s", heading: "h", intro: "i", number: "BT1", lines: [line],
            totals: TotalsView(OrderTotals(subtotal: 1598, delivery: 350), currency: .gbp), shipping: ["a"], billing: ["b"],
            orderURL: "http://shop/orders/1/"
        )
        #expect(Self.unanswered(content) == [])
        #expect(Self.unanswered(line) == [])
        #expect(Self.unanswered(content.totals) == [])
    }

    @Test func basketPageRendersThroughTheLookups() throws {
        var library = MustacheLibrary()
        try library.register(
            "{{#lines}}{{name}}={{quantity}}x{{unitPriceText}}/{{lineTotalText}}{{#hasThumbnail}}+{{/hasThumbnail}}{{/lines}} {{totals.totalText}}",
            named: "t"
        )
        let page = BasketPage(items: [Self.item], errors: [], signedIn: false, currency: .gbp)
        #expect(library.render(page, withTemplate: "t") == "Emma=2x£12.50/£25.00+ £25.00")
    }

    @Test func accountMenuAndFormFieldsAnswerEveryField() throws {
        let nav = AccountNav(user: CurrentUser(id: 1, email: "a@b.c", roles: [.owner, .customer]), path: "/", csrfToken: "t")
        #expect(Self.unanswered(nav) == [])
        #expect(Self.unanswered(try #require(nav.backOffice.first)) == [])
        var field = FieldView(name: "n", label: "L", error: "e", maxLength: 3, autocomplete: "email", help: "h")
        field.options = [FieldView.Option(value: "v", label: "V", selected: true)]
        #expect(Self.unanswered(field) == [])
        #expect(Self.unanswered(field.options[0]) == [])
    }
}

/// Templates take the shop's URLs from `{{routes.*}}` (built from `Routes`), never spell them.
@Suite struct TemplateRouteTests {
    static let templates = ResourceFiles(themeDirectory: nil).files(in: "templates").mapValues { String(decoding: $0, as: UTF8.self) }

    @Test func noTemplateSpellsAPath() {
        #expect(Self.templates.count > 30)
        let spelled = Self.templates.flatMap { name, text in
            text.matches(of: /(?:href|action|src)="(\/[^"]*)"/).map { "\(name): \($0.1)" }
        }
        #expect(spelled == [])
    }

    @Test func everyRouteATemplateNamesExists() {
        let names = Set(Self.templates.values.flatMap { $0.matches(of: /\{\{\s*routes\.(\w+)\s*\}\}/).map { String($0.1) } })
        #expect(names.count >= 10)
        let missing = names.filter { TemplateRoutes().child(named: $0) == nil }
        #expect(missing == [])
    }

    @Test func theBasketLinkRendersFromRoutes() async throws {
        try await withTestApp { browser, _ in
            let page = try await browser.get("/about-us/")
            #expect(page.text.contains(#"href="\#(Routes.basket)" title="Your basket""#))
            #expect(page.text.contains(#"<a href="\#(Routes.contactUs)">contact form</a>"#))
        }
    }
}

extension TemplateLookupTests {
    /// Templates test lists with swift-mustache's `empty()` instead of a `has*` flag beside each list.
    @Test func emptyTransformGuardsAList() throws {
        var library = MustacheLibrary()
        try library.register("{{^empty(page.lines)}}<ul>{{#page.lines}}<li>{{name}}</li>{{/page.lines}}</ul>{{/empty(page.lines)}}{{#empty(page.lines)}}Empty{{/empty(page.lines)}}", named: "t")
        let full = BasketPage(items: [Self.item], errors: [], signedIn: false, currency: .gbp)
        let none = BasketPage(items: [], errors: [], signedIn: false, currency: .gbp)
        #expect(library.render(["page": full], withTemplate: "t") == "<ul><li>Emma</li></ul>")
        #expect(library.render(["page": none], withTemplate: "t") == "Empty")
    }
}
