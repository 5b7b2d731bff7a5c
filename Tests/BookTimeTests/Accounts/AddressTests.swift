import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct AddressTests {
    static let johnKercher: [(String, String)] = [
        ("name", "john kercher"), ("address1", "1 av st"), ("address2", ""), ("zip_code", "MA12GS"), ("city", "Manchester"), ("country", "uk"),
    ]

    /// The book's `test_address_list_page_returns_only_owned`.
    @Test func listShowsOnlyOwnAddresses() async throws {
        try await withTestApp { browser, db in
            let user1 = try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            let user2 = try await db.users.createUser(email: "user2@domain.com", password: testPassword, role: .customer)
            try await db.addresses.saveAddress(Address(userId: user1.id!, name: "john kimball", address1: "flat 2", address2: "12 Stralz avenue", zipCode: "", city: "London", country: "uk"))
            try await db.addresses.saveAddress(Address(userId: user2.id!, name: "marc kimball", address1: "123 Deacon road", zipCode: "", city: "London", country: "uk"))
            try await browser.logIn("user2@domain.com", testPassword)

            let page = try await browser.get("/address/")
            #expect(page.status == .ok)
            #expect(page.text.contains("List of your addresses:"))
            #expect(page.text.contains("marc kimball"))
            #expect(page.text.contains("United Kingdom"))
            #expect(page.text.contains("123 Deacon road<br>\n"))
            #expect(!page.text.contains("<br>\n        <br>"), "no empty line for a blank address2")
            #expect(!page.text.contains("john kimball"))
            #expect(try await db.addresses.addresses(userID: user2.id!).map(\.name) == ["marc kimball"])
        }
    }

    /// The book's `test_address_create_stores_user`.
    @Test func createStoresTheUser() async throws {
        try await withTestApp { browser, db in
            let user1 = try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            let response = try await browser.post("/address/create/", form: Self.johnKercher)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/address/")
            let saved = try await db.addresses.addresses(userID: user1.id!)
            #expect(saved.count == 1)
            #expect(saved.first?.name == "john kercher")
            #expect(saved.first?.zipCode == "MA12GS")
            #expect(saved.first?.country == "uk")
        }
    }

    @Test func updateAndDeleteOwnAddress() async throws {
        try await withTestApp { browser, db in
            let user1 = try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            let address = try await db.addresses.saveAddress(Address(userId: user1.id!, name: "john", address1: "1 av st", zipCode: "M1", city: "Manchester", country: "uk"))
            let id = try #require(address.id)
            try await browser.logIn("user1@domain.com", testPassword)

            let form = try await browser.get("/address/\(id)/")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"value="1 av st""#))
            #expect(form.text.contains(#"<option value="uk" selected>United Kingdom</option>"#))

            var fields = Self.johnKercher
            fields[5] = ("country", "us")
            #expect(try await browser.post("/address/\(id)/", form: fields).status == .seeOther)
            #expect(try await db.addresses.address(id: id, userID: user1.id!)?.country == "us")
            #expect(try await db.addresses.address(id: id, userID: user1.id!)?.name == "john kercher")

            let confirm = try await browser.get("/address/\(id)/delete/")
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("Are you sure you want to delete it?"))
            #expect(try await db.addresses.address(id: id, userID: user1.id!) != nil)  // GET changes nothing
            #expect(try await browser.post("/address/\(id)/delete/", form: []).status == .seeOther)
            #expect(try await db.addresses.addresses(userID: user1.id!).isEmpty)
        }
    }

    @Test func anotherUsersAddressIsNotFound() async throws {
        try await withTestApp { browser, db in
            let owner = try await db.users.createUser(email: "owner@domain.com", password: testPassword, role: .customer)
            try await db.users.createUser(email: "other@domain.com", password: testPassword, role: .customer)
            let address = try await db.addresses.saveAddress(Address(userId: owner.id!, name: "mine", address1: "1 road", zipCode: "Z1", city: "Bath", country: "uk"))
            let id = try #require(address.id)
            try await browser.logIn("other@domain.com", testPassword)

            #expect(try await browser.get("/address/\(id)/").status == .notFound)
            #expect(try await browser.get("/address/\(id)/delete/").status == .notFound)
            #expect(try await browser.post("/address/\(id)/", form: Self.johnKercher).status == .notFound)
            #expect(try await browser.post("/address/\(id)/delete/", form: []).status == .notFound)
            #expect(try await browser.get("/address/not-a-number/").status == .notFound)
            #expect(try await db.addresses.address(id: id, userID: owner.id!)?.name == "mine")
        }
    }

    @Test func signInIsRequired() async throws {
        try await withTestApp { browser, db in
            let create = try await browser.get("/address/create/")
            #expect(create.status == .seeOther)
            #expect(create.headers[.location] == "/login/?next=/address/create/")
            let post = try await browser.post("/address/create/", form: Self.johnKercher)
            #expect(post.status == .seeOther)
            let count = try await db.reader.read { try Address.fetchCount($0) }
            #expect(count == 0)
        }
    }

    @Test func createWithoutCSRFTokenIsForbidden() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            #expect(try await browser.post("/address/create/", form: Self.johnKercher, csrf: false).status == .forbidden)
            let count = try await db.reader.read { try Address.fetchCount($0) }
            #expect(count == 0)
        }
    }

    @Test func invalidAddressesShowErrors() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            let response = try await browser.post(
                "/address/create/",
                form: [("name", String(repeating: "n", count: 61)), ("address1", ""), ("zip_code", "1234567890123"), ("city", "Paris"), ("country", "fr")]
            )
            #expect(response.status == .unprocessableContent)
            let html = response.text
            #expect(html.contains("Ensure this value has at most 60 characters (it has 61)."))
            #expect(html.contains("Ensure this value has at most 12 characters (it has 13)."))
            #expect(html.contains("This field is required."))
            #expect(html.contains("Select a valid choice. fr is not one of the available choices."))
            #expect(html.contains(#"value="Paris""#))
            let count = try await db.reader.read { try Address.fetchCount($0) }
            #expect(count == 0)
        }
    }
}
