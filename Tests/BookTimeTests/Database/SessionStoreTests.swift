import Foundation
import GRDB
import Hummingbird
import Testing

@testable import BookTime

@Suite struct SessionStoreTests {
    @Test func setGetRemove() async throws {
        let test = try TestDatabase()
        let store = SQLitePersistDriver(db: test.db)
        try await store.set(key: "k", value: AppSession(userID: 7), expires: .seconds(60))
        #expect(try await store.get(key: "k", as: AppSession.self) == AppSession(userID: 7))
        let ttl = try #require(try await store.getWithTTL(key: "k", as: AppSession.self)?.ttl)
        #expect(ttl > .seconds(20) && ttl <= .seconds(60), "about a minute left (a loaded machine may pause for seconds)")
        try await store.remove(key: "k")
        #expect(try await store.get(key: "k", as: AppSession.self) == nil)
    }

    /// The driver keeps the value it wrote in memory; read as another type, the stored JSON answers.
    @Test func aValueReadAsAnotherTypeIsDecodedFromItsJSON() async throws {
        struct UserOnly: Codable, Sendable, Equatable { var userID: Int64? }
        let test = try TestDatabase()
        let store = SQLitePersistDriver(db: test.db)
        try await store.set(key: "k", value: AppSession(userID: 7, basketID: 3), expires: .seconds(60))
        #expect(try await store.get(key: "k", as: UserOnly.self) == UserOnly(userID: 7))
        #expect(try await store.get(key: "k", as: AppSession.self) == AppSession(userID: 7, basketID: 3))
        #expect(try await store.get(key: "k", as: Int.self) == nil)
        #expect(try await SQLitePersistDriver(db: test.db).get(key: "k", as: UserOnly.self) == UserOnly(userID: 7), "read from the file")
    }

    @Test func createRefusesDuplicates() async throws {
        let test = try TestDatabase()
        let store = SQLitePersistDriver(db: test.db)
        try await store.create(key: "k", value: "one", expires: nil)
        await #expect(throws: PersistError.duplicate) { try await store.create(key: "k", value: "two", expires: nil) }
    }

    @Test func setWithoutExpiryKeepsTheExistingOne() async throws {
        let test = try TestDatabase()
        let store = SQLitePersistDriver(db: test.db)
        try await store.set(key: "k", value: "one", expires: .seconds(100))
        try await store.set(key: "k", value: "two", expires: nil)
        let entry = try #require(try await store.getWithTTL(key: "k", as: String.self))
        #expect(entry.object == "two")
        #expect(entry.ttl != nil)
    }

    @Test func expiredValuesAreInvisibleAndPurged() async throws {
        let test = try TestDatabase()
        let store = SQLitePersistDriver(db: test.db)
        try await store.set(key: "old", value: "x", expires: .milliseconds(1))
        try await store.set(key: "new", value: "y", expires: .seconds(60))
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await store.get(key: "old", as: String.self) == nil)
        #expect(try await store.purgeExpired() == 1)
        #expect(try await store.get(key: "new", as: String.self) == "y")
    }

    @Test func sessionsSurviveANewDriverOnTheSameFile() async throws {
        let test = try TestDatabase()
        try await SQLitePersistDriver(db: test.db).set(key: "k", value: AppSession(userID: 1), expires: .seconds(60))
        let reopened = try AppDatabase.open(path: test.db.path)
        #expect(try await SQLitePersistDriver(db: reopened).get(key: "k", as: AppSession.self)?.userID == 1)
    }
}
