import Foundation
import Hummingbird

/// What the employees' dashboard shows of each room: who is present and how many of the
/// customer's messages no one has read, with links to the room and to the order in the office
/// back office. Rooms appear while someone is present or connected, or while messages wait.
struct ChatDashboard: Sendable {
    let db: AppDatabase
    let hub: ChatHub

    struct Entry: Encodable, Equatable {
        struct Person: Encodable, Equatable {
            let email: String
            let name: String
            let staff: Bool
        }

        /// The book's two fields: the room's page, and "<order id> (<present emails>)".
        let link: String
        let text: String
        let order_id: Int64
        let order: String
        let admin_link: String
        let present: [Person]
        let unread: Int
    }

    /// The rooms now, unread counts as given (they come from the database; presence from memory).
    func entries(unread: [Int64: Int]) -> [Entry] {
        let rooms = hub.rooms()
        let ids = Set(rooms.keys).union(unread.filter { $0.value > 0 }.keys).sorted()
        return ids.map { id in
            let present = rooms[id] ?? []
            return Entry(
                link: Routes.chatRoom(orderID: id), text: "\(id) (\(present.map(\.email).joined(separator: ", ")))", order_id: id, order: Order.number(id: id),
                admin_link: AdminSite.officeOrderURL(id: id),
                present: present.map { Entry.Person(email: $0.email, name: $0.username, staff: $0.isStaff) }, unread: unread[id] ?? 0
            )
        }
    }

    /// The JSON array one event carries.
    static func json(_ entries: [Entry]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(entries)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The dashboard's stream: the rooms as JSON when they changed (checked each second) and at
    /// least every 5 s; unread counts are read again only after a join, leave or message.
    func stream(once: Bool) -> Response {
        let state = StreamState()
        return EventStream.response(once: once, stop: { hub.isShuttingDown }) {
            let version = hub.version
            if await state.unreadVersion != version {
                await state.setUnread(try await db.chat.unreadCounts(), version: version)
            }
            let json = Self.json(entries(unread: await state.unread))
            return await state.shouldSend(json) ? json : nil
        }
    }

    private actor StreamState {
        var unread: [Int64: Int] = [:]
        var unreadVersion = -1
        var last: String?
        var sentAt = ContinuousClock.now

        func setUnread(_ counts: [Int64: Int], version: Int) {
            unread = counts
            unreadVersion = version
        }

        /// Whether `json` goes out now: it changed, or 5 s passed since the last event.
        func shouldSend(_ json: String) -> Bool {
            guard json != last || ContinuousClock.now - sentAt >= .seconds(5) else { return false }
            last = json
            sentAt = .now
            return true
        }
    }
}
