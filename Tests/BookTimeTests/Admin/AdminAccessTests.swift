import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BookTime

/// Role × site × model × action: every combination either works or is refused, as the book's
/// sites and group permissions (§6.2, §6.3, §7.2) say. The expectations are written out here,
/// not read from the declarations they check.
@Suite struct AdminAccessTests {
    static let allModels = ["product", "producttag", "productimage", "user", "address", "basket", "order", "email"]

    /// Site → model → what its role may do: v(iew), a(dd), c(hange), d(elete).
    static let expected: [AdminSite.Kind: [String: String]] = [
        .owners: ["product": "vacd", "producttag": "vacd", "productimage": "vcd", "user": "vacd", "address": "vcd", "basket": "vcd", "order": "vcd", "email": "vc", "apitoken": "vd"],
        .office: ["product": "vacd", "producttag": "vc", "productimage": "vcd", "address": "vcd", "order": "vc"],
        .dispatch: ["product": "vc", "producttag": "v", "order": "vc"],
    ]

    /// Who may enter each site (an owner may enter all three, as a Django superuser can).
    static let entrants: [AdminSite.Kind: Set<Role>] = [
        .owners: [.owner], .office: [.owner, .employee], .dispatch: [.owner, .dispatcher],
    ]

    static let siteRole: [AdminSite.Kind: Role] = [.owners: .owner, .office: .employee, .dispatch: .dispatcher]

    @Test(arguments: AdminSite.Kind.allCases)
    func whoEntersEachSite(kind: AdminSite.Kind) async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            let site = try #require(AdminSite.all.first { $0.kind == kind })
            let anonymous = try await shop.anonymous.get(site.indexURL)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "\(site.prefix)/login/?next=\(Routes.queryEncoded(site.indexURL))")
            #expect(try await shop.anonymous.get(site.loginURL).status == .ok)
            for role in Role.allCases {
                let allowed = Self.entrants[kind]!.contains(role)
                let index = try await shop.browser(role).get(site.indexURL)
                #expect(index.status == (allowed ? .ok : .forbidden), "\(role) on \(kind)")
                let list = try await shop.browser(role).get(site.prefix + "/product/")
                #expect(list.status == (allowed ? .ok : .forbidden), "\(role) on \(kind) products")
                if allowed { #expect(index.text.contains(site.header)) }
                if !allowed { #expect(index.text.contains("Log out"), "the error page still knows who is signed in") }
            }
        }
    }

    @Test(arguments: AdminSite.Kind.allCases)
    func modelsAndActions(kind: AdminSite.Kind) async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [Self.siteRole[kind]!])
            let site = try #require(AdminSite.all.first { $0.kind == kind })
            let user = shop.browser(Self.siteRole[kind]!)
            let index = try await user.get(site.indexURL).text
            for model in Self.allModels {
                let rights = Self.expected[kind]![model]
                let base = "\(site.prefix)/\(model)/"
                let id = shop.id(of: model)
                let registered = rights != nil
                #expect(index.contains("href=\"\(base)\"") == registered, "\(kind) index lists \(model)")
                #expect(try await user.get(base).status == (registered ? .ok : .notFound), "\(kind) \(model) list")
                guard let rights else {
                    #expect(try await user.get("\(base)\(id)/").status == .notFound)
                    continue
                }
                #expect(try await user.get("\(base)add/").status == (rights.contains("a") ? .ok : .forbidden), "\(kind) \(model) add")
                let change = try await user.get("\(base)\(id)/")
                #expect(change.status == .ok, "\(kind) \(model) change page")
                let save = try await user.post("\(base)\(id)/", form: [("_fingerprint", change.fingerprint)])
                if rights.contains("c") {
                    #expect(save.status != .forbidden, "\(kind) \(model) save")
                } else {
                    #expect(save.status == .forbidden, "\(kind) \(model) save refused")
                }
                let delete = try await user.get("\(base)\(id)/delete/")
                if rights.contains("d") {
                    #expect(delete.status == .ok || delete.status == .conflict, "\(kind) \(model) delete page")
                } else {
                    #expect(delete.status == .forbidden, "\(kind) \(model) delete refused")
                }
            }
        }
    }

    /// The declarations say the same as the table above.
    @Test func declarationsMatchTheBook() {
        for site in AdminSite.all {
            let declared = Dictionary(uniqueKeysWithValues: site.models.filter { $0.can(.view) }.map { model in
                (model.name, "vacd".filter { letter in
                    model.can([Character("v"): .view, "a": .add, "c": .change, "d": .delete][letter]!)
                })
            })
            #expect(declared == Self.expected[site.kind], "\(site.kind)")
        }
    }

    @Test func eachSiteHasItsOwnStaffOnlyLogin() async throws {
        try await withTestApp { browser, db in
            for role in Role.allCases {
                try await db.users.createUser(email: "\(role.rawValue)@booktime.domain", password: testPassword, role: role)
            }
            let customer = TestBrowser(client: browser.client)
            let refused = try await customer.post("/admin/login/", form: [("email", "customer@booktime.domain"), ("password", testPassword)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(AdminController.staffOnly))
            #expect(try await customer.get("/account/").status == .seeOther, "a refused user is not signed in")

            let employee = TestBrowser(client: browser.client)
            let wrongSite = try await employee.post("/admin/login/", form: [("email", "employee@booktime.domain"), ("password", testPassword)])
            #expect(wrongSite.status == .unprocessableContent)
            let office = try await employee.post("/office-admin/login/?next=/office-admin/order/", form: [("email", "employee@booktime.domain"), ("password", testPassword)])
            #expect(office.status == .seeOther)
            #expect(office.headers[.location] == "/office-admin/order/")
            #expect(try await employee.get("/office-admin/order/").status == .ok)

            let owner = TestBrowser(client: browser.client)
            let evil = try await owner.post("/admin/login/?next=//evil.example", form: [("email", "owner@booktime.domain"), ("password", testPassword)])
            #expect(evil.headers[.location] == "/admin/", "next only to a local path")
            let page = try await owner.get("/dispatch-admin/login/")
            #expect(page.status == .seeOther, "an owner may enter every site")
        }
    }

    @Test func formsWithoutTheirTokenAreRefused() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let response = try await shop.owner.post("/admin/product/\(shop.product.id!)/", form: [("name", "Hijacked")], csrf: false)
            #expect(response.status == .forbidden)
            let name = try await db.reader.read { try String.fetchOne($0, sql: "SELECT name FROM product WHERE id = ?", arguments: [shop.product.id]) }
            #expect(name == "The cathedral and the bazaar")
        }
    }
}
