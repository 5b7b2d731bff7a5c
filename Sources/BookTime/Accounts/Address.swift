import GRDB

/// An entry of a customer's address book (the book's `Address`).
public struct Address: Codable, Sendable, Equatable, Identifiable {
    /// The book's `SUPPORTED_COUNTRIES`.
    public static let countries: [(value: String, label: String)] = [("uk", "United Kingdom"), ("us", "United States of America")]

    public var id: Int64?
    public var userId: Int64
    public var name: String
    public var address1: String
    public var address2: String
    public var zipCode: String
    public var city: String
    public var country: String

    public init(id: Int64? = nil, userId: Int64, name: String, address1: String, address2: String = "", zipCode: String, city: String, country: String) {
        self.id = id
        self.userId = userId
        self.name = name
        self.address1 = address1
        self.address2 = address2
        self.zipCode = zipCode
        self.city = city
        self.country = country
    }

    /// `get_country_display`.
    public var countryName: String { postal.countryName }

    /// The book's `__str__`, as a postal address: "Jane Smith, Longbourn House, Meryton HT1 1LB,
    /// United Kingdom" (no empty parts, the country by name).
    public var summary: String { postal.linesWithName.joined(separator: ", ") }
}

extension Address: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        static let userId = Column(CodingKeys.userId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// The address book, always through the owner: another user's address is simply not found.
/// The database side of customers' saved addresses.
public struct AddressStore: Sendable {
    let db: AppDatabase
}

extension AppDatabase {
    public var addresses: AddressStore { AddressStore(db: self) }
}

extension AddressStore {
    public func addresses(userID: Int64) async throws -> [Address] {
        try await db.reader.read { db in try Self.addresses(db, userID: userID) }
    }

    static func addresses(_ db: Database, userID: Int64) throws -> [Address] {
        try Address.filter(Address.Columns.userId == userID).order(Column("id")).fetchAll(db)
    }

    public func address(id: Int64, userID: Int64) async throws -> Address? {
        try await db.reader.read { db in
            try Address.filter(key: id).filter(Address.Columns.userId == userID).fetchOne(db)
        }
    }

    @discardableResult
    public func saveAddress(_ address: Address) async throws -> Address {
        try await db.dbWriter.write { db in
            var address = address
            try address.save(db)
            return address
        }
    }

    /// False when there was no such address of this user.
    public func deleteAddress(id: Int64, userID: Int64) async throws -> Bool {
        try await db.dbWriter.write { db in
            try Address.filter(key: id).filter(Address.Columns.userId == userID).deleteAll(db) > 0
        }
    }
}
