import Foundation
import ImageCodecC

/// Real JPEG and PNG files made by libjpeg-turbo and libpng, for tests.
enum TestImages {
    /// A horizontal gradient from `left` to `right` (RGB).
    static func pixels(width: Int, height: Int, left: (UInt8, UInt8, UInt8) = (200, 30, 30), right: (UInt8, UInt8, UInt8) = (30, 30, 200)) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let t = width > 1 ? Double(x) / Double(width - 1) : 0
                let i = (y * width + x) * 3
                pixels[i] = UInt8(Double(left.0) * (1 - t) + Double(right.0) * t)
                pixels[i + 1] = UInt8(Double(left.1) * (1 - t) + Double(right.1) * t)
                pixels[i + 2] = UInt8(Double(left.2) * (1 - t) + Double(right.2) * t)
            }
        }
        return pixels
    }

    static func jpeg(width: Int, height: Int, quality: Int32 = 90) -> Data {
        encode(width: width, height: height) { image, out, length, error in
            bt_image_encode_jpeg(&image, quality, &out, &length, error, 256)
        }
    }

    static func png(width: Int, height: Int) -> Data {
        encode(width: width, height: height) { image, out, length, error in
            bt_image_encode_png(&image, &out, &length, error, 256)
        }
    }

    private static func encode(
        width: Int, height: Int,
        _ body: (inout bt_image, inout UnsafeMutablePointer<UInt8>?, inout Int, UnsafeMutablePointer<CChar>) -> Int32
    ) -> Data {
        var pixels = pixels(width: width, height: height)
        return pixels.withUnsafeMutableBufferPointer { buffer in
            var image = bt_image(pixels: buffer.baseAddress, width: Int32(width), height: Int32(height))
            var out: UnsafeMutablePointer<UInt8>?
            var length = 0
            var error = [CChar](repeating: 0, count: 256)
            let status = error.withUnsafeMutableBufferPointer { body(&image, &out, &length, $0.baseAddress!) }
            precondition(status == 0 && out != nil, "test image encoding failed")
            defer { bt_free(out) }
            return Data(bytes: out!, count: length)
        }
    }

    /// Format and dimensions read back from a file's header.
    static func info(_ data: Data) -> (format: Int32, width: Int, height: Int)? {
        let bytes = [UInt8](data)
        var format: Int32 = 0
        var width: Int32 = 0
        var height: Int32 = 0
        var error = [CChar](repeating: 0, count: 256)
        guard bt_image_info(bytes, bytes.count, &format, &width, &height, &error, 256) == 0 else { return nil }
        return (format, Int(width), Int(height))
    }

    /// The decoded RGB pixel at (x, y).
    static func pixel(_ data: Data, x: Int, y: Int) -> (Int, Int, Int)? {
        let bytes = [UInt8](data)
        var image = bt_image()
        var error = [CChar](repeating: 0, count: 256)
        guard bt_image_decode(bytes, bytes.count, 1_000_000, 1_000_000, &image, &error, 256) == 0 else { return nil }
        defer { bt_image_free(&image) }
        let i = (y * Int(image.width) + x) * 3
        return (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
    }
}
