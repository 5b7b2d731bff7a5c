import Hummingbird
import Testing

@testable import BookTime

@Suite struct RequestCookieTests {
    /// Our one-pass lookup answers as Hummingbird's `Cookies` does, for every name in every header.
    @Test(arguments: [
        "booktime_session=abc; csrftoken=t0k3n; flash=eyJ9.c2ln",
        "csrftoken=first;csrftoken=second",
        "xcsrftoken=no; csrftoken=yes",
        "  flash=padded ;  booktime_session=s",
        "empty=; flash=a=b=c",
        "flash",
        "",
    ])
    func cookieValuesMatchHummingbird(header: String) {
        let cookies = Cookies(from: [header])
        for name in ["booktime_session", "csrftoken", "flash", "empty", "missing", "xcsrftoken"] {
            #expect(Request.cookieValue(name, in: header) == cookies[name]?.value, "\(name) in \(header)")
        }
    }
}
