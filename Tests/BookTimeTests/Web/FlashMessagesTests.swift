import Foundation
import Testing

@testable import BookTime

@Suite struct FlashMessagesTests {
    static let added = FlashMessage(.success, "Siddhartha is in your basket: 1 in all.")
    static let waiting = FlashMessage(.info, "Welcome back.")

    @Test func theCookieChangesOnlyWhenMessagesWereShownOrAdded() {
        let untouched = FlashMessages()
        untouched.receive([Self.waiting])
        #expect(untouched.pending() == .unchanged, "a redirect that shows nothing leaves the cookie as it is")

        let shown = FlashMessages()
        shown.receive([Self.waiting])
        #expect(shown.consume() == [Self.waiting])
        #expect(shown.pending() == .clear)

        let carried = FlashMessages()
        carried.receive([Self.waiting])
        carried.add(.success, Self.added.text)
        #expect(carried.pending() == .store([Self.waiting, Self.added]))

        let shownThenAdded = FlashMessages()
        shownThenAdded.receive([Self.waiting])
        _ = shownThenAdded.consume()
        shownThenAdded.add(.success, Self.added.text)
        #expect(shownThenAdded.pending() == .store([Self.added]))

        let nothing = FlashMessages()
        _ = nothing.consume()
        #expect(nothing.pending() == .unchanged)
    }

    /// A POST that redirects without showing its incoming messages does not send them back.
    @Test func aRedirectThatShowsNothingSendsNoCookie() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let form = try await browser.get("/contact-us/").text
            let token = String(try #require(form.firstMatch(of: /name="csrf_token" value="([^"]*)"/)).1)
            try await browser.post("/add_to_basket/", form: [("product_id", "\(book.id!)"), ("csrf_token", token)], csrf: false)
            let flash = try #require(browser.cookie("flash"))
            // Checkout sends a visitor to sign in: a redirect that shows nothing and adds nothing.
            let checkout = try await browser.post("/order/address_select/", form: [("csrf_token", token)], csrf: false)
            #expect(checkout.status == .seeOther)
            #expect(!checkout.headers[values: .setCookie].contains { $0.hasPrefix("flash=") })
            #expect(browser.cookie("flash") == flash)
            #expect(try await browser.get("/about-us/").text.contains("Siddhartha is in your basket: 1 in all."))
            #expect(browser.cookie("flash") == nil, "shown, then cleared")
        }
    }
}
