import Crypto
import Foundation
import GRDB
import JWTKit
import Logging
import ServiceLifecycle

/// The claims of the API's JSON Web Tokens (HS256, signed and checked by jwt-kit).
struct JWTClaims: JWTPayload, Equatable {
    enum Kind: String, Codable, Sendable {
        case access, refresh
    }

    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    /// Which kind of token: a refresh token is refused where an access token is wanted.
    var typ: Kind
    /// The sign-in a refresh token descends from (its first token's id).
    var fam: String?

    func verify(using algorithm: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
    }
}

/// Issues, checks, rotates and revokes the API's tokens: access tokens live 30 minutes and are
/// checked by signature alone; refresh tokens live a day, are recorded (`jwtRefreshToken`), work
/// once (each refresh revokes the one used), and a revoked one used again revokes its family.
struct JWTTokens: Sendable {
    static let accessLifetime: TimeInterval = 30 * 60
    static let refreshLifetime: TimeInterval = 24 * 60 * 60

    let db: AppDatabase
    let keys: JWTKeyCollection

    static func make(db: AppDatabase) async throws -> JWTTokens {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: try db.jwtSecret())), digestAlgorithm: .sha256)
        return JWTTokens(db: db, keys: keys)
    }

    /// Why a token was refused.
    enum Refusal: Error, Equatable {
        case invalid
        case revoked
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// A new access and refresh token for the user, the refresh one recorded in `family` (a new
    /// family for a sign-in).
    func issue(userID: Int64, family: String? = nil, now: Date = .now) async throws -> (access: String, refresh: String) {
        let refreshID = Self.newID()
        let family = family ?? refreshID
        let access = JWTClaims(
            sub: .init(value: String(userID)), exp: .init(value: now.addingTimeInterval(Self.accessLifetime)), iat: .init(value: now),
            jti: .init(value: Self.newID()), typ: .access, fam: nil
        )
        let refresh = JWTClaims(
            sub: .init(value: String(userID)), exp: .init(value: now.addingTimeInterval(Self.refreshLifetime)), iat: .init(value: now),
            jti: .init(value: refreshID), typ: .refresh, fam: family
        )
        try await db.dbWriter.write { db in
            try db.execute(
                literal: """
                    INSERT INTO jwtRefreshToken (jti, family, userId, expiresAt)
                    VALUES (\(refreshID), \(family), \(userID), \(DatabaseDate(refresh.exp.value)))
                    """
            )
        }
        return (try await keys.sign(access), try await keys.sign(refresh))
    }

    /// The user id and expiry of a valid access token; nil for anything else (a refresh token,
    /// expired, tampered with, `alg: none`).
    func verifiedAccess(_ token: String) async -> (userID: Int64, expires: Date)? {
        guard let claims = try? await keys.verify(token, as: JWTClaims.self), claims.typ == .access, let id = Int64(claims.sub.value) else {
            return nil
        }
        return (id, claims.exp.value)
    }

    /// A new pair for a valid, unused refresh token, which is revoked; a revoked one used again
    /// revokes its whole family (someone else may hold a copy).
    func refresh(_ token: String, now: Date = .now) async throws -> (access: String, refresh: String) {
        let claims = try await refreshClaims(token)
        let family = claims.fam ?? claims.jti.value
        let outcome = try await db.dbWriter.write { db -> Result<Int64, Refusal> in
            guard let row = try SQLRequest<Row>(literal: "SELECT userId, revokedAt FROM jwtRefreshToken WHERE jti = \(claims.jti.value)").fetchOne(db) else {
                return .failure(.invalid)
            }
            if (row["revokedAt"] as DatabaseValue).isNull == false {
                try db.execute(literal: "UPDATE jwtRefreshToken SET revokedAt = \(DatabaseDate(now)) WHERE family = \(family) AND revokedAt IS NULL")
                return .failure(.revoked)
            }
            try db.execute(literal: "UPDATE jwtRefreshToken SET revokedAt = \(DatabaseDate(now)) WHERE jti = \(claims.jti.value)")
            return .success(row["userId"])
        }
        let userID = try outcome.get()
        return try await issue(userID: userID, family: family, now: now)
    }

    /// Revokes a refresh token (logout).
    func revoke(_ token: String, now: Date = .now) async throws {
        let claims = try await refreshClaims(token)
        try await db.dbWriter.write { db in
            try db.execute(literal: "UPDATE jwtRefreshToken SET revokedAt = \(DatabaseDate(now)) WHERE jti = \(claims.jti.value) AND revokedAt IS NULL")
        }
    }

    private func refreshClaims(_ token: String) async throws -> JWTClaims {
        guard let claims = try? await keys.verify(token, as: JWTClaims.self), claims.typ == .refresh else { throw Refusal.invalid }
        return claims
    }

    /// Deletes refresh tokens past their expiry (a revoked one is kept until then, so its reuse is
    /// still recognised).
    func purgeExpired(now: Date = .now) async throws -> Int {
        try await db.dbWriter.write { db in
            try db.execute(literal: "DELETE FROM jwtRefreshToken WHERE expiresAt < \(DatabaseDate(now))")
            return db.changesCount
        }
    }
}

/// Purges expired refresh tokens every ten minutes while the shop runs.
struct JWTPurgeService: Service {
    let tokens: JWTTokens
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let purged = try await tokens.purgeExpired()
                if purged > 0 { logger.info("Purged \(purged) expired refresh tokens") }
            } catch {
                logger.error("Could not purge refresh tokens: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
