import Foundation
import OpenAPIRuntime

/// JSON Web Tokens for API clients (design.md §4): a pair for an email and password, rotation,
/// logout. Access tokens go in `Authorization: Bearer`.
extension BookTimeAPI {
    func createJWT(_ input: Operations.CreateJWT.Input) async throws -> Operations.CreateJWT.Output {
        guard case .json(let credentials) = input.body else { throw Self.wrongCredentials }
        guard let request = APIRequest.current,
            let user = try await signIn.verify(email: credentials.username, password: credentials.password, clientAddress: request.clientAddress, logger: request.logger)
        else { throw Self.wrongCredentials }
        let pair = try await jwt.issue(userID: user.id)
        return .ok(.init(body: .json(.init(access: pair.access, refresh: pair.refresh))))
    }

    func refreshJWT(_ input: Operations.RefreshJWT.Input) async throws -> Operations.RefreshJWT.Output {
        guard case .json(let body) = input.body else { throw APIError.unauthenticated }
        do {
            let pair = try await jwt.refresh(body.refresh)
            return .ok(.init(body: .json(.init(access: pair.access, refresh: pair.refresh))))
        } catch is JWTTokens.Refusal {
            throw Self.refusedRefresh
        }
    }

    func logoutJWT(_ input: Operations.LogoutJWT.Input) async throws -> Operations.LogoutJWT.Output {
        guard case .json(let body) = input.body else { throw APIError.unauthenticated }
        do {
            try await jwt.revoke(body.refresh)
            return .noContent(.init())
        } catch is JWTTokens.Refusal {
            throw Self.refusedRefresh
        }
    }

    static let refusedRefresh = APIError(
        status: .unauthorized, code: "token_not_valid", message: "The refresh token is not valid: sign in again.",
        headers: [.wwwAuthenticate: #"Bearer realm="BookTime API""#]
    )
}
