import Foundation
import ImageCodecC
import NIOPosix

/// Why an uploaded or imported file was not accepted as a product image.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    case empty
    case fileTooLarge(bytes: Int)
    case notAnImage
    case dimensionsTooLarge(width: Int, height: Int)
    case corrupt(String)

    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .fileTooLarge(let bytes): "the file is \(bytes / 1_048_576) MiB; images may be at most \(ImageProcessing.maxBytes / 1_048_576) MiB"
        case .notAnImage: "the file is not a JPEG or PNG image"
        case .dimensionsTooLarge(let w, let h): "the image is \(w)×\(h) pixels; at most \(ImageProcessing.maxPixels / 1_000_000) megapixels are accepted"
        case .corrupt(let reason): "the image is damaged or truncated (\(reason))"
        }
    }
}

/// The stored original and its thumbnail, ready to insert.
public struct ProcessedImage: Sendable {
    public let original: ImageBlob
    public let thumbnail: ImageBlob
}

/// Checks an image by its content and makes the 300×300 JPEG thumbnail (the book's
/// `generate_thumbnail` signal), with libjpeg-turbo and libpng.
public enum ImageProcessing {
    public static let thumbnailBox = 300
    public static let maxBytes = 20 * 1_048_576
    /// Decoded size limit: a small file that claims huge dimensions (a decompression bomb) is refused
    /// from its header, before any pixel is decoded.
    public static let maxPixels = 50_000_000
    public static let maxSide = 20_000
    static let jpegQuality = 85

    /// The work, off the event loop (NIOThreadPool), as style.md asks for codecs.
    public static func processOffLoop(_ data: Data) async throws -> ProcessedImage {
        try await NIOThreadPool.singleton.runIfActive { try process(data) }
    }

    public static func process(_ data: Data) throws -> ProcessedImage {
        guard !data.isEmpty else { throw ImageError.empty }
        guard data.count <= maxBytes else { throw ImageError.fileTooLarge(bytes: data.count) }
        let bytes = [UInt8](data)
        var error = [CChar](repeating: 0, count: 256)
        var format: Int32 = 0
        var width: Int32 = 0
        var height: Int32 = 0
        if bt_image_info(bytes, bytes.count, &format, &width, &height, &error, error.count) != 0 {
            throw format == Int32(BT_FORMAT_UNKNOWN.rawValue) ? ImageError.notAnImage : ImageError.corrupt(message(error))
        }
        guard width > 0, height > 0, Int(width) <= maxSide, Int(height) <= maxSide, Int(width) * Int(height) <= maxPixels else {
            throw ImageError.dimensionsTooLarge(width: Int(width), height: Int(height))
        }
        let target = thumbnailSize(width: Int(width), height: Int(height))

        var decoded = bt_image()
        guard bt_image_decode(bytes, bytes.count, Int32(target.width), Int32(target.height), &decoded, &error, error.count) == 0 else {
            throw ImageError.corrupt(message(error))
        }
        defer { bt_image_free(&decoded) }
        var thumb = bt_image()
        let source: bt_image
        if Int(decoded.width) != target.width || Int(decoded.height) != target.height {
            guard bt_image_resize(&decoded, Int32(target.width), Int32(target.height), &thumb) == 0 else {
                throw ImageError.corrupt("could not scale")
            }
            source = thumb
        } else {
            source = decoded
        }
        defer { if thumb.pixels != nil { bt_image_free(&thumb) } }
        var encoded: UnsafeMutablePointer<UInt8>?
        var encodedLength = 0
        var input = source
        guard bt_image_encode_jpeg(&input, Int32(jpegQuality), &encoded, &encodedLength, &error, error.count) == 0, let encoded else {
            throw ImageError.corrupt(message(error))
        }
        defer { bt_free(encoded) }
        let thumbnailData = Data(bytes: encoded, count: encodedLength)

        let contentType = format == Int32(BT_FORMAT_PNG.rawValue) ? "image/png" : "image/jpeg"
        return ProcessedImage(
            original: ImageBlob(hash: sha256Hex(data), contentType: contentType, width: Int(width), height: Int(height), size: data.count, data: data),
            thumbnail: ImageBlob(
                hash: sha256Hex(thumbnailData), contentType: "image/jpeg", width: target.width, height: target.height,
                size: thumbnailData.count, data: thumbnailData
            )
        )
    }

    /// Fits within the 300×300 box keeping the aspect ratio; never enlarges.
    public static func thumbnailSize(width: Int, height: Int, box: Int = thumbnailBox) -> (width: Int, height: Int) {
        guard width > box || height > box else { return (width, height) }
        if width >= height {
            return (box, max(1, Int((Double(height) * Double(box) / Double(width)).rounded())))
        }
        return (max(1, Int((Double(width) * Double(box) / Double(height)).rounded())), box)
    }


    private static func message(_ buffer: [CChar]) -> String {
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unreadable" : text
    }
}

extension CatalogStore {
    /// Attaches an image to a product: checked and thumbnailed off the event loop, then stored
    /// in one transaction. The same picture twice is attached once. Returns nil when it already was.
    @discardableResult
    public func addProductImage(productID: Int64, data: Data) async throws -> ProductImage? {
        let processed = try await ImageProcessing.processOffLoop(data)
        return try await db.dbWriter.write { db in try Self.attach(processed, to: productID, db) }
    }

    /// Stores the blobs and links them to the product, unless this picture is already attached.
    static func attach(_ processed: ProcessedImage, to productID: Int64, _ db: Database) throws -> ProductImage? {
        if try ProductImage.filter(ProductImage.Columns.productId == productID && Column("imageHash") == processed.original.hash).fetchCount(db) > 0 {
            return nil
        }
        try processed.original.insert(db, onConflict: .ignore)
        try processed.thumbnail.insert(db, onConflict: .ignore)
        let position = try Int.fetchOne(db, sql: "SELECT coalesce(max(position), -1) + 1 FROM productImage WHERE productId = ?", arguments: [productID]) ?? 0
        var image = ProductImage(productId: productID, imageHash: processed.original.hash, thumbnailHash: processed.thumbnail.hash, position: position)
        try image.insert(db)
        return image
    }
}

import GRDB
