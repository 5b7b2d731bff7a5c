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

extension AddressForm {
    var postal: PostalAddress {
        PostalAddress(name: name, address1: address1, address2: address2, zipCode: zipCode, city: city, country: country)
    }
}

/// The order's billing and shipping snapshots, read and written as addresses: the one place
/// their columns meet an address's parts.
extension Order {
    public var billing: PostalAddress {
        get {
            PostalAddress(
                name: billingName, address1: billingAddress1, address2: billingAddress2, zipCode: billingZipCode, city: billingCity,
                country: billingCountry
            )
        }
        set {
            (billingName, billingAddress1, billingAddress2) = (newValue.name, newValue.address1, newValue.address2)
            (billingZipCode, billingCity, billingCountry) = (newValue.zipCode, newValue.city, newValue.country)
        }
    }

    public var shipping: PostalAddress {
        get {
            PostalAddress(
                name: shippingName, address1: shippingAddress1, address2: shippingAddress2, zipCode: shippingZipCode, city: shippingCity,
                country: shippingCountry
            )
        }
        set {
            (shippingName, shippingAddress1, shippingAddress2) = (newValue.name, newValue.address1, newValue.address2)
            (shippingZipCode, shippingCity, shippingCountry) = (newValue.zipCode, newValue.city, newValue.country)
        }
    }
}
