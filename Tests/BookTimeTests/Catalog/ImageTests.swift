import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

@Suite struct ThumbnailTests {
    @Test(arguments: [
        (1200, 800, 300, 200), (400, 1000, 120, 300), (300, 300, 300, 300), (100, 50, 100, 50), (4000, 3000, 300, 225), (301, 7, 300, 7),
    ])
    func thumbnailFitsTheBoxAndKeepsAspect(size: (Int, Int, Int, Int)) throws {
        for data in [TestImages.jpeg(width: size.0, height: size.1), TestImages.png(width: size.0, height: size.1)] {
            let processed = try ImageProcessing.process(data)
            let info = try #require(TestImages.info(processed.thumbnail.data))
            #expect(info.format == 1, "thumbnails are JPEG")
            #expect(info.width == size.2 && info.height == size.3)
            #expect(processed.thumbnail.width == size.2 && processed.thumbnail.height == size.3)
            #expect(processed.original.width == size.0 && processed.original.height == size.1)
            #expect(processed.original.data == data)
        }
        #expect(try ImageProcessing.process(TestImages.png(width: 10, height: 10)).original.contentType == "image/png")
    }

    @Test func downscalingKeepsColours() throws {
        // Left edge red, right edge blue: the thumbnail's edges keep them (a proper filter, not garbage).
        let thumbnail = try ImageProcessing.process(TestImages.jpeg(width: 2400, height: 1600)).thumbnail.data
        let left = try #require(TestImages.pixel(thumbnail, x: 1, y: 100))
        let right = try #require(TestImages.pixel(thumbnail, x: 298, y: 100))
        #expect(left.0 > 170 && left.2 < 70)
        #expect(right.2 > 170 && right.0 < 70)
    }

    @Test func nonImagesAreRejected() {
        #expect(throws: ImageError.notAnImage) { try ImageProcessing.process(Data("GIF89a not supported".utf8)) }
        #expect(throws: ImageError.notAnImage) { try ImageProcessing.process(Data((0..<1000).map { UInt8($0 % 251) })) }
        #expect(throws: ImageError.empty) { try ImageProcessing.process(Data()) }
        #expect(throws: ImageError.fileTooLarge(bytes: ImageProcessing.maxBytes + 1)) {
            try ImageProcessing.process(Data(count: ImageProcessing.maxBytes + 1))
        }
    }

    @Test func truncatedImagesAreRejected() {
        let jpeg = TestImages.jpeg(width: 640, height: 480)
        let png = TestImages.png(width: 640, height: 480)
        for broken in [jpeg.prefix(jpeg.count / 2), jpeg.prefix(20), png.prefix(png.count / 2), png.prefix(30)] {
            #expect(throws: ImageError.self) { try ImageProcessing.process(Data(broken)) }
        }
    }

    @Test func decompressionBombIsRefusedFromItsHeader() throws {
        // A 16×16 JPEG whose frame header claims 30000×30000 pixels (libjpeg itself accepts up to 65500).
        var bytes = [UInt8](TestImages.jpeg(width: 16, height: 16))
        let sof = try #require(bytes.indices.dropLast().first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) })
        for offset in [5, 7] { bytes[sof + offset] = 0x75 }
        for offset in [6, 8] { bytes[sof + offset] = 0x30 }
        #expect(throws: ImageError.dimensionsTooLarge(width: 30000, height: 30000)) { try ImageProcessing.process(Data(bytes)) }
    }

    @Test func thumbnailSizeArithmetic() {
        #expect(ImageProcessing.thumbnailSize(width: 3000, height: 1) == (300, 1))
        #expect(ImageProcessing.thumbnailSize(width: 1, height: 3000) == (1, 300))
        #expect(ImageProcessing.thumbnailSize(width: 600, height: 600) == (300, 300))
    }
}

@Suite struct ProductImageTests {
    @Test func imagesAreAttachedOnceAndServedImmutable() async throws {
        try await withTestApp { browser, db in
            let product = try await db.catalog.createProduct(ProductInput(name: "The cathedral and the bazaar", price: 1000))
            let picture = TestImages.jpeg(width: 900, height: 1200)
            let image = try #require(try await db.catalog.addProductImage(productID: product.id!, data: picture))
            #expect(try await db.catalog.addProductImage(productID: product.id!, data: picture) == nil)
            try await db.catalog.addProductImage(productID: product.id!, data: TestImages.png(width: 500, height: 500))

            let page = try await browser.get("/product/the-cathedral-and-the-bazaar/").text
            #expect(page.contains(#"<img src="/images/\#(image.imageHash)""#))
            #expect(page.contains(#"data-full="/images/\#(image.imageHash)""#))
            #expect(page.contains(#"src="/images/\#(image.thumbnailHash)""#))
            #expect(page.components(separatedBy: "thumb-button").count - 1 == 2)
            // The list shows the first picture's thumbnail.
            #expect(try await browser.get("/products/all/").text.contains(#"src="/images/\#(image.thumbnailHash)""#))

            let response = try await browser.get("/images/\(image.thumbnailHash)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(TestImages.info(Data(buffer: response.body))?.width == 225)
            var headers = HTTPFields()
            let etag: String = response.headers[.eTag] ?? ""
            #expect(etag == "\"\(image.thumbnailHash.prefix(32))\"")
            headers[.ifNoneMatch] = etag
            #expect(try await browser.get("/images/\(image.thumbnailHash)", headers: headers).status == .notModified)
            #expect(try await browser.get("/images/\(String(repeating: "0", count: 64))").status == .notFound)
            #expect(try await browser.get("/images/not-a-hash").status == .notFound)
        }
    }

    @Test func rejectedImageStoresNothing() async throws {
        let test = try TestDatabase()
        let product = try await test.db.catalog.createProduct(ProductInput(name: "Book", price: 100))
        await #expect(throws: ImageError.self) { try await test.db.catalog.addProductImage(productID: product.id!, data: Data("<html>".utf8)) }
        let counts = try await test.db.reader.read { db in (try ProductImage.fetchCount(db), try ImageBlob.fetchCount(db)) }
        #expect(counts == (0, 0))
    }
}
