import Foundation
import OpenAPIRuntime

/// The shop's JSON API as the generated `APIProtocol`: types and routes come from
/// `Resources/api/openapi.yaml`. `APIAuthMiddleware` has already said who is asking
/// (`APIRequest.current`); each operation checks the roles it needs, and failures are thrown as
/// `APIError`. The dispatch operations are in `BookTimeAPI+Dispatch`, the mobile ones in
/// `BookTimeAPI+Mobile`.
struct BookTimeAPI: APIProtocol {
    let db: AppDatabase
    let signIn: SignIn
    /// Emails a customer whose order the API closes with books sent.
    let orderEmail: OrderEmailSettings?
    let currency: Currency
    let carrier: any Carrier
    let jwt: JWTTokens
    let reads: APIReads
}
