import Foundation
import HTTPTypes
import GRDB
import Hummingbird
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// `/healthz` (the process answers), `/readyz` (it can do its work: migrations applied, the
/// database writable, disk to write on) and `/metrics` (Prometheus text, for owners or for a
/// scraper on this machine).
struct HealthController {
    let db: AppDatabase
    let metrics: ShopMetrics
    let pageCaches: [PageCache]
    let hub: ChatHub
    let backups: BackupSettings?
    /// `/readyz` fails below this much free space beside the database.
    let minimumFreeBytes: Int

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Routes.healthz)) { _, _ in Self.text(.ok, "ok\n") }
        router.get(RouterPath(Routes.readyz), use: ready)
        router.get(RouterPath(Routes.metrics), use: scrape)
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// 200 "ready", or 503 naming each check that failed.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        var problems: [String] = []
        do {
            let migrated = try await db.reader.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
            if !migrated { problems.append("migrations are not all applied") }
        } catch {
            problems.append("the database cannot be read: \(error)")
        }
        do {
            // Takes the write lock and lets go: proves a write could start, writes nothing.
            try await db.dbWriter.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
            if !FileManager.default.isWritableFile(atPath: db.path) { problems.append("the database file is read-only") }
        } catch {
            problems.append("the database is not writable: \(error)")
        }
        let free = Self.freeBytes(besides: db.path)
        if let free, free < minimumFreeBytes {
            problems.append("only \(free / (1 << 20)) MiB free beside the database (at least \(minimumFreeBytes / (1 << 20)) MiB needed)")
        }
        return problems.isEmpty ? Self.text(.ok, "ready\n") : Self.text(.serviceUnavailable, problems.map { "not ready: \($0)\n" }.joined())
    }

    static func freeBytes(besides path: String) -> Int? {
        let folder = (path as NSString).deletingLastPathComponent
        var stats = statvfs()
        guard statvfs(folder.isEmpty ? "." : folder, &stats) == 0 else { return nil }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Owners, or a scraper on this machine (loopback without a proxy's `X-Forwarded-For`: behind
    /// a proxy every visitor arrives from loopback).
    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        let loopback = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].contains(context.remoteAddress ?? "")
            && request.headers[HTTPField.Name("X-Forwarded-For")!] == nil
        guard loopback || context.currentUser?.has(.owner) == true else { throw HTTPError(.forbidden) }
        let bytes = try await metrics.scrape(db: db, pageCaches: pageCaches, chatSockets: hub.openSockets, backups: backups)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

/// Counts and times every request for `/metrics`, by route pattern (outermost, so it times what
/// the client waited for; a thrown error counts with its status).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ShopMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.record(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code, duration: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status, duration: .now - start)
            throw error
        }
    }
}
