import GRDB
import Hummingbird
import OpenAPIRuntime
import NIOCore
import Logging

/// Turns every error into a page in the site layout (or a JSON body under the API prefixes), with
/// no stack trace, SQL or internal detail: Django's `handler404` / `handler500` pages.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let views: Views
    let jsonPrefixes: [String]

    struct ErrorPage {
        let status: Int
        let heading: String
        let message: String
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if jsonPrefixes.contains(where: { request.uri.path.hasPrefix($0) }) {
                var response = apiError(error, context: context).response
                if response.status == .serviceUnavailable { response.headers[.retryAfter] = "30" }
                return response
            }
            let (status, heading, message) = describe(error, context: context)
            var response = views.render(
                "error_page", page: ErrorPage(status: Int(status.code), heading: heading, message: message),
                title: heading, request: request, context: context, status: status
            )
            if status == .methodNotAllowed, let allow = (error as? HTTPError)?.headers[.allow] {
                response.headers[.allow] = allow
            }
            if status == .tooManyRequests, let retryAfter = (error as? HTTPError)?.headers[.retryAfter] {
                response.headers[.retryAfter] = retryAfter
            }
            if status == .serviceUnavailable { response.headers[.retryAfter] = "30" }
            return response
        }
    }

    /// The API's JSON error for `error` (`APIError`); a server fault is logged, never described.
    private func apiError(_ error: any Error, context: Context) -> APIError {
        if error is APIError || error is ServerError || error is HTTPError {
            let answer = APIError.from(error, fallbackMessage: "The request could not be handled.")
            if answer.status.code >= 500 { context.logger.error("API server error: \(String(reflecting: error))") }
            return answer
        }
        let (status, _, message) = describe(error, context: context)
        return APIError(status: status, code: APIError.code(for: status), message: message)
    }

    private func describe(_ error: any Error, context: Context) -> (HTTPResponse.Status, String, String) {
        switch error {
        case is NIOTooManyBytesError:
            return (.contentTooLarge, "Too large", "What you sent is larger than this shop accepts.")
        case is CSRFError:
            return (.forbidden, "Forbidden", "This form was out of date or was not sent from this site. Go back, reload the page and try again.")
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return (.notFound, "We could not find this page", "Please check the address, or contact our support.")
            case .forbidden:
                return (.forbidden, "Forbidden", error.body ?? "You do not have permission to see this page.")
            case .contentTooLarge:
                return (.contentTooLarge, "Too large", "What you sent is larger than this shop accepts.")
            case .methodNotAllowed:
                return (.methodNotAllowed, "Not allowed", "This page does not accept that kind of request.")
            case .tooManyRequests:
                return (.tooManyRequests, "Too many attempts", error.body ?? "Please wait a minute and try again.")
            case let status where status.code >= 500:
                context.logger.error("Server error: \(String(reflecting: error))")
                return (status, "An error has occurred", "Our support team has been notified. Please try again later.")
            default:
                return (error.status, error.status.reasonPhrase, error.body ?? "The request could not be handled.")
            }
        case let error as DatabaseError where Self.storageTrouble(error) != nil:
            // A full disk, a read-only file or a lock held too long: nothing was saved, pages that
            // only read still work, and the shop recovers by itself once the condition clears.
            context.logger.error("Storage unavailable: \(error)")
            return (.serviceUnavailable, "We cannot save anything just now", Self.storageTrouble(error) ?? "")
        default:
            context.logger.error("Unhandled error: \(String(reflecting: error))")
            return (.internalServerError, "An error has occurred", "Our support team has been notified. Please try again later.")
        }
    }

    /// What to tell a visitor when the database cannot be written, or nil for other errors.
    static func storageTrouble(_ error: DatabaseError) -> String? {
        let unsaved = "Nothing you sent was saved; browsing still works. Please try again in a few minutes."
        switch error.resultCode {
        case .SQLITE_FULL: return "The shop's disk is full. " + unsaved
        case .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CANTOPEN: return "The shop's storage cannot be written to. " + unsaved
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "The shop is busy with other work. " + unsaved
        default: return nil
        }
    }
}
