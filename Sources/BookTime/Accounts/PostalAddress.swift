/// An address as post is addressed, the one way every page, email and invoice writes one: no
/// empty parts, the town and postcode on one line, the country by name.
///
///     Jane Smith
///     Longbourn House
///     Meryton HT1 1LB
///     United Kingdom
public struct PostalAddress: Sendable, Equatable {
    public var name: String
    public var address1: String
    public var address2: String
    public var zipCode: String
    public var city: String
    /// The country code stored (`uk`).
    public var country: String

    public var countryName: String { Address.countries.first { $0.value == country }?.label ?? country }

    /// The lines below the name.
    public var lines: [String] {
        let town = [city, zipCode].filter { !$0.isEmpty }.joined(separator: " ")
        return [address1, address2, town, countryName].filter { !$0.isEmpty }
    }

    /// Name first, as on an envelope.
    public var linesWithName: [String] { ([name] + lines).filter { !$0.isEmpty } }

}

extension Address {
    public var postal: PostalAddress {
        PostalAddress(name: name, address1: address1, address2: address2, zipCode: zipCode, city: city, country: country)
    }
}

extension Order {
    public var billing: PostalAddress {
        PostalAddress(
            name: billingName, address1: billingAddress1, address2: billingAddress2, zipCode: billingZipCode, city: billingCity,
            country: billingCountry
        )
    }

    public var shipping: PostalAddress {
        PostalAddress(
            name: shippingName, address1: shippingAddress1, address2: shippingAddress2, zipCode: shippingZipCode, city: shippingCity,
            country: shippingCountry
        )
    }
}
