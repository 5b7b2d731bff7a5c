/// Addresses the shop sends from and to (the book's site@ and customerservice@booktime.domain).
public struct MailSettings: Sendable, Equatable {
    public var fromAddress: String
    public var customerServiceAddress: String

    public init(fromAddress: String = "site@booktime.domain", customerServiceAddress: String = "customerservice@booktime.domain") {
        self.fromAddress = fromAddress
        self.customerServiceAddress = customerServiceAddress
    }
}
