import BookTimeResources
import Foundation

/// The embedded resource files, overlaid by an optional theme directory of the same layout
/// (`THEME/templates/base.mustache`, `THEME/static/site.css`): a file in the theme wins.
struct ResourceFiles: Sendable {
    let themeDirectory: String?

    /// Every file of `folder` (`templates` or `static`), by name within it.
    func files(in folder: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let prefix = folder + "/"
        for (path, bytes) in EmbeddedResources.files where path.hasPrefix(prefix) {
            files[String(path.dropFirst(prefix.count))] = bytes
        }
        guard let themeDirectory else { return files }
        let directory = URL(fileURLWithPath: themeDirectory).appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where !name.hasPrefix(".") {
            if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) {
                files[name] = [UInt8](data)
            }
        }
        return files
    }

    /// Changes whenever a theme file is added, removed or modified.
    func themeFingerprint() -> String {
        guard let themeDirectory else { return "" }
        var parts: [String] = []
        for folder in ["templates", "static"] {
            let directory = URL(fileURLWithPath: themeDirectory).appendingPathComponent(folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            for name in names {
                let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
                parts.append("\(folder)/\(name):\(modified):\(size)")
            }
        }
        return parts.joined(separator: "|")
    }
}
