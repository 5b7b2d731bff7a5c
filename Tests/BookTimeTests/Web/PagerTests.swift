import Foundation
import Testing

@testable import BookTime

/// Every paged URL answers any page number: `/admin/log/?p=92233720368547760` used to overflow
/// `(page - 1) * pageSize` and trap, taking the whole shop down.
@Suite struct PagerTests {
    static let hostile = ["9223372036854775807", "92233720368547760", "-1", "0", "1e99", "abc", "", "%20"]

    @Test func pageNumbersAreClampedWithoutOverflow() {
        let pager = Pager(page: .max, pageSize: 100, totalCount: 250)
        #expect(pager.page == 3 && pager.offset == 200 && pager.next == nil && pager.previous == 2)
        #expect(Pager(page: -5, pageSize: 100, totalCount: 250).page == 1)
        #expect(Pager(page: .max, pageSize: 100, totalCount: 0) == Pager(page: 1, pageSize: 100, totalCount: 0))
        #expect(Pager(page: 2, pageSize: 12, totalCount: .max).offset == 12)
        #expect(Pager.pageCount(totalCount: .max, pageSize: 1) == .max)
        for text in Self.hostile { #expect(Pager.requested(text) >= 1, "\(text)") }
        #expect(Pager.requested("7") == 7)
    }

    @Test func everyPagedURLAnswersAnyPage() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner, .employee, .dispatcher])
            var urls = ["/products/all/?page=", "/products/open-source/?page=", "/search/?q=cathedral&page=", "/order-dashboard/?p=", "/admin/log/?p="]
            for site in AdminSite.all {
                for model in site.models { urls.append(site.listURL(model) + "?p=") }
            }
            for url in urls {
                let user = url.hasPrefix("/office-admin") ? shop.employee : url.hasPrefix("/dispatch-admin") ? shop.dispatcher : shop.owner
                for page in Self.hostile {
                    let response = try await user.get(url + page)
                    #expect(response.status == .ok, "\(url)\(page) answered \(response.status)")
                }
            }
            // Past the end is the last page, not an empty one.
            let last = try await shop.owner.get("/admin/product/?p=9223372036854775807").text
            #expect(last.contains("Page 1 of 1"))
            #expect(last.contains("The cathedral and the bazaar"))
        }
    }
}
