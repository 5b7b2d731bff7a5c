import Foundation
import Logging
import Testing

@testable import BookTime

/// The hub's rules without sockets: queues, presence, rates, limits.
@Suite struct ChatHubTests {
    static let member = ChatMember(userID: 1, email: "ann_e@example.com", username: "Ann E", isStaff: false)
    static let other = ChatMember(userID: 2, email: "staff@example.com", username: "Sam", isStaff: true)

    static func hub(_ configure: (inout ChatHub.Limits) -> Void = { _ in }) -> ChatHub {
        var limits = ChatHub.Limits()
        configure(&limits)
        return ChatHub(limits: limits, logger: Logger(label: "test"))
    }

    /// A reader that does not keep up is dropped; the room's other readers get every frame.
    @Test func aSlowConsumerIsDroppedAndBlocksNoOne() async throws {
        let hub = Self.hub { $0.queueDepth = 3 }
        let slow = try hub.open(orderID: 7, member: Self.member)
        let fast = try hub.open(orderID: 7, member: Self.other)
        let received = Task {
            var texts: [String] = []
            for await frame in fast.frames {
                texts.append(frame.text)
                if texts.count == 10 { break }
            }
            return texts
        }
        for number in 0..<10 {
            hub.broadcast(ChatFrame(.error("n", "\(number)")), to: 7)
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await received.value.count == 10)
        #expect(slow.closeReason == .tooSlow)
        #expect(fast.closeReason == nil)
        #expect(ChatCloseReason.tooSlow.code == 1008)
    }

    @Test func presenceIsPerUserAndExpires() throws {
        let hub = Self.hub { $0.presenceWindow = .seconds(10) }
        let start = ContinuousClock.now
        hub.seen(Self.member, in: 3, at: start)
        hub.seen(Self.member, in: 3, at: start + .seconds(4))  // a second socket of the same user
        #expect(hub.rooms(at: start + .seconds(5))[3]?.map(\.email) == ["ann_e@example.com"])
        #expect(hub.rooms(at: start + .seconds(13))[3]?.map(\.email) == ["ann_e@example.com"])
        #expect(hub.rooms(at: start + .seconds(15))[3] == nil)
    }

    @Test func messagesAreLimitedPerUserWithABurstAndARate() {
        let hub = Self.hub { $0.messageBurst = 3; $0.messagesPerSecond = 1 }
        let start = ContinuousClock.now
        #expect((0..<4).map { _ in hub.allowMessage(from: 1, at: start) } == [true, true, true, false])
        #expect(hub.allowMessage(from: 2, at: start), "another user has their own allowance")
        #expect(!hub.allowMessage(from: 1, at: start + .milliseconds(500)))
        #expect(hub.allowMessage(from: 1, at: start + .milliseconds(1600)))
    }

    @Test func socketsAreLimitedPerUserAndInAllAndRefusedWhenShuttingDown() throws {
        let hub = Self.hub { $0.perUser = 1; $0.total = 2 }
        let first = try hub.open(orderID: 1, member: Self.member)
        #expect(throws: ChatHub.AdmissionError.tooManyForUser) { try hub.open(orderID: 2, member: Self.member) }
        _ = try hub.open(orderID: 1, member: Self.other)
        #expect(throws: ChatHub.AdmissionError.tooManyInAll) {
            try hub.open(orderID: 1, member: ChatMember(userID: 3, email: "c@example.com", username: "C", isStaff: false))
        }
        hub.remove(first)
        hub.remove(first)  // twice is once
        #expect(hub.openSockets == 1)
        hub.shutDown()
        #expect(throws: ChatHub.AdmissionError.shuttingDown) { try hub.open(orderID: 1, member: Self.member) }
    }
}
