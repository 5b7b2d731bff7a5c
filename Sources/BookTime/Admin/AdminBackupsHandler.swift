import Foundation
import Hummingbird

/// The owners' backups page: the scheduled backups (name, size, time, checked), the last failure
/// if any, and each file to download.
extension AdminController {
    struct BackupsPage {
        struct Entry {
            let name: String
            let sizeText: String
            let date: String
            let url: String
        }

        let site: AdminSiteView
        let configured: Bool
        let directory: String
        let scheduleText: String
        let entries: [Entry]
        let failure: String?
    }

    @Sendable func backups(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        guard actor.isOwner else { throw HTTPError(.forbidden) }
        let settings = backupSettings
        let entries = settings.map { settings in
            Backups.list(in: settings.directory).map {
                BackupsPage.Entry(name: $0.name, sizeText: Self.byteText($0.size), date: utcDateTime($0.date), url: site.backupURL(name: $0.name))
            }
        } ?? []
        let failure = backupStatus?.current.lastFailure.map { "\(utcDateTime($0.date)): \($0.message)" }
        let page = BackupsPage(
            site: AdminSiteView(site, actor: actor), configured: settings != nil, directory: settings?.directory ?? "",
            scheduleText: settings.map { "Every \(Self.durationText($0.every)), keeping the newest \($0.keep)." } ?? "", entries: entries,
            failure: failure
        )
        return views.render("admin_backups", page: page, title: "Backups | \(site.header)", request: request, context: context)
    }

    /// `GET …/backups/<file>`: one backup, as a download. Only names of backups in the folder.
    @Sendable func downloadBackup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        guard actor.isOwner else { throw HTTPError(.forbidden) }
        guard let settings = backupSettings, let name = context.parameters.get("file"), Backups.isBackupName(name),
            let file = Backups.list(in: settings.directory).first(where: { $0.name == name }),
            let handle = FileHandle(forReadingAtPath: file.path)
        else { throw HTTPError(.notFound) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/vnd.sqlite3", .contentDisposition: "attachment; filename=\"\(name)\"", .contentLength: String(file.size),
                .cacheControl: "no-store",
            ],
            body: ResponseBody(contentLength: file.size) { writer in
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            }
        )
    }

    static func byteText(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) : String(format: "%.0f KiB", Double(bytes) / 1024)
    }

    static func durationText(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("day", 86400), ("hour", 3600), ("minute", 60)] as [(String, Int64)] where seconds % size == 0 {
            let count = seconds / size
            return count == 1 ? unit : "\(count) \(unit)s"
        }
        return seconds == 1 ? "second" : "\(seconds) seconds"
    }
}
