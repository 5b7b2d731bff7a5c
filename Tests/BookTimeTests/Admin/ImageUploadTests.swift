import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

extension TestBrowser {
    /// POSTs `multipart/form-data` as a browser's file upload does, with the CSRF token unless told not to.
    func upload(
        _ uri: String, file: Data, filename: String = "cover.jpg", field: String = "image", csrf: Bool = true, fields: [(String, String)] = []
    ) async throws -> TestResponse {
        let boundary = "----BookTimeTest\(UUID().uuidString)"
        var body = Data()
        func append(_ text: String) { body.append(Data(text.utf8)) }
        if csrf {
            let page = try await get("/contact-us/").text
            let token = page.firstMatch(of: /name="csrf_token" value="([^"]*)"/).map { String($0.1) } ?? ""
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\(token)\r\n")
        }
        for (name, value) in fields {
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n")
        body.append(file)
        append("\r\n--\(boundary)--\r\n")
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await request(uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

/// Product images uploaded from the product's page: checked by content, thumbnailed, shown.
@Suite struct ImageUploadTests {
    static func images(_ db: AppDatabase, _ productID: Int64?) async throws -> [ProductImage] {
        try await db.reader.read { try ProductImage.filter(Column("productId") == productID).order(Column("id")).fetchAll($0) }
    }

    /// The Upload button sends the change form with the picture: what was typed is saved with it,
    /// or, when it cannot be saved, nothing is lost and the page says to save first.
    @Test func uploadingFromAnEditedFormNeverDropsTheEdits() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let id = shop.product.id!
            let url = "/admin/product/\(id)/"
            let page = try await shop.owner.get(url)
            let edited = AdminProductTests.productForm(page.fingerprint, price: "14.99")
            let response = try await shop.owner.upload(url + "images/", file: TestImages.jpeg(width: 400, height: 300), fields: edited)
            #expect(response.status == .seeOther)
            #expect(try await AdminProductTests.product(db, id)?.price == 1499, "the edit was saved")
            #expect(try await Self.images(db, id).count == 2, "and the picture added")

            // A bad edit: nothing is saved, the image waits, and the form keeps what was typed.
            let again = try await shop.owner.get(url)
            let bad = AdminProductTests.productForm(again.fingerprint, price: "lots")
            let refused = try await shop.owner.upload(url + "images/", file: TestImages.jpeg(width: 500, height: 300), fields: bad)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("The image was not added: save your changes first"))
            #expect(refused.text.contains(#"value="lots""#))
            #expect(try await Self.images(db, id).count == 2)
            #expect(try await AdminProductTests.product(db, id)?.price == 1499)
        }
    }

    @Test func anEmployeeUploadsAPicture() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.employee])
            let id = shop.product.id!
            let page = try await shop.employee.get("/office-admin/product/\(id)/")
            #expect(page.text.contains("formenctype=\"multipart/form-data\""))
            #expect(page.text.contains("formaction=\"/office-admin/product/\(id)/images/\""))
            let response = try await shop.employee.upload("/office-admin/product/\(id)/images/", file: TestImages.jpeg(width: 640, height: 480))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/office-admin/product/\(id)/")
            let images = try await Self.images(db, id)
            #expect(images.count == 2)
            let thumbnail = try #require(images.last?.thumbnailHash)
            let shown = try await shop.employee.get("/office-admin/product/\(id)/")
            #expect(shown.text.contains("The image was added to “The cathedral and the bazaar”."))
            #expect(shown.text.contains("src=\"/images/\(thumbnail)\""), "the product page lists its thumbnails")
            let served = try await shop.anonymous.get("/images/\(thumbnail)")
            #expect(served.status == .ok)
            #expect(TestImages.info(Data(served.body.readableBytesView))?.width == 300)
            #expect(try await db.adminLog().last?.decodedChanges.first?.new.contains("cover.jpg") == true)

            let again = try await shop.employee.upload("/office-admin/product/\(id)/images/", file: TestImages.jpeg(width: 640, height: 480))
            #expect(again.status == .seeOther)
            #expect(try await Self.images(db, id).count == 2, "the same picture is attached once")
        }
    }

    @Test func whatIsNotAnImageIsRefused() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.dispatcher, .owner])
            let id = shop.product.id!
            let text = try await shop.owner.upload("/admin/product/\(id)/images/", file: Data("GIF89a, or so it says".utf8), filename: "x.jpg")
            #expect(text.status == .seeOther)
            #expect(try await shop.owner.get("/admin/product/\(id)/").text.contains("The image was not added: the file is not a JPEG or PNG image."))
            let missing = try await shop.owner.upload("/admin/product/\(id)/images/", file: Data(), filename: "")
            #expect(missing.status == .seeOther)
            #expect(try await Self.images(db, id).count == 1)

            let forged = try await shop.owner.upload("/admin/product/\(id)/images/", file: TestImages.png(width: 20, height: 20), csrf: false)
            #expect(forged.status == .forbidden)
            let tooBig = try await shop.owner.upload("/admin/product/\(id)/images/", file: Data(count: 11 * 1024 * 1024))
            #expect(tooBig.status == .contentTooLarge)
            let dispatcher = try await shop.dispatcher.upload("/dispatch-admin/product/\(id)/images/", file: TestImages.png(width: 20, height: 20))
            #expect(dispatcher.status == .notFound, "dispatchers have no upload")
            #expect(try await Self.images(db, id).count == 1)
        }
    }

    @Test func multipartBodiesAreParsedStrictly() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x \\\"1\\\".png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\u{2}\r\n--b--\r\n".utf8)
        let form = try MultipartForm(body: body, boundary: "b")
        #expect(form.value("a") == "one")
        #expect(form.file("f")?.filename == "x \"1\".png")
        #expect(form.file("f")?.data == Data([1, 2]))
        #expect(throws: MultipartForm.Failure.malformed) { try MultipartForm(body: Array("--b\r\nno headers end".utf8), boundary: "b") }
        #expect(throws: MultipartForm.Failure.malformed) { try MultipartForm(body: Array("nothing".utf8), boundary: "b") }
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"abc\"") == "abc")
        #expect(MultipartForm.boundary(contentType: "application/x-www-form-urlencoded") == nil)
    }
}
