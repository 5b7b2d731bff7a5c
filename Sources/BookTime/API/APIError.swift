import GRDB
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAPIRuntime

/// An API failure as every route under `/api/` and `/mobile-api/` answers it:
/// `{"error": {"code", "message", "fields"?}}` with its status and headers, never an HTML page.
struct APIError: Error, Sendable, Equatable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var fields: [String: String]? = nil
    var headers: HTTPFields = [:]

    /// No credentials, or wrong ones: says which schemes the API takes.
    static let unauthenticated = APIError(
        status: .unauthorized, code: "unauthenticated",
        message: "Authentication credentials were not provided or are not valid.",
        headers: [.wwwAuthenticate: #"Basic realm="BookTime API", charset="UTF-8""#]
    )
    static let forbidden = APIError(status: .forbidden, code: "forbidden", message: "You do not have permission to do this.")
    static let notFound = APIError(status: .notFound, code: "not_found", message: "Not found.")

    static func invalid(_ fields: [String: String]) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid", message: "Some fields are not valid.", fields: fields)
    }

    /// The code for a status that has no more specific one.
    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .notAcceptable: "not_acceptable"
        case .conflict: "conflict"
        case .contentTooLarge: "too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unprocessableContent: "invalid"
        case .tooManyRequests: "rate_limited"
        case .serviceUnavailable: "unavailable"
        default: status.code >= 500 ? "server_error" : "error"
        }
    }

    private struct Body: Encodable {
        struct Payload: Encodable {
            let code: String
            let message: String
            let fields: [String: String]?
        }
        let error: Payload
    }

    private static let encoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    var response: Response {
        let data = (try? Self.encoder.encode(Body(error: .init(code: code, message: message, fields: fields)))) ?? Data("{}".utf8)
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Any error thrown below an API route, as the API's answer: the generated server's own errors
    /// (a body that is not JSON, a wrong content type, a missing parameter) keep their status.
    static func from(_ error: any Error, fallbackMessage: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServerError:
            if let inner = error.underlyingError as? APIError { return inner }
            if let storage = error.underlyingError as? DatabaseError, let message = ErrorPageMiddleware.storageTrouble(storage) {
                return APIError(status: .serviceUnavailable, code: code(for: .serviceUnavailable), message: message)
            }
            if error.underlyingError is DecodingError {
                return APIError(status: .badRequest, code: "bad_json", message: "The body is not the JSON this operation takes.")
            }
            let status = error.httpStatus == .internalServerError ? .badRequest : error.httpStatus
            return APIError(status: status, code: code(for: status), message: "The request does not fit this operation: \(error.causeDescription).")
        case let error as HTTPError:
            var headers: HTTPFields = [:]
            for name in [HTTPField.Name.allow, .retryAfter, .wwwAuthenticate] { if let value = error.headers[name] { headers[name] = value } }
            let message = error.body ?? (error.status.code < 500 ? error.status.reasonPhrase + "." : fallbackMessage)
            return APIError(status: error.status, code: code(for: error.status), message: message, headers: headers)
        case is NIOTooManyBytesError:
            return APIError(status: .contentTooLarge, code: "too_large", message: fallbackMessage)
        default:
            return APIError(status: .internalServerError, code: "server_error", message: fallbackMessage)
        }
    }
}
