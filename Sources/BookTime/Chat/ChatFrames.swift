import Foundation

/// The book's JSON frames, server to client: `chat_join`, `chat_leave` and `chat_message` with
/// the sender's `username`; ours add `at` (UTC, ISO 8601) and, on stored messages, `id` (what a
/// reconnecting client sends back as `last_id`). Problems are `{"type":"error","code","message"}`.
struct ChatEvent: Encodable, Sendable {
    let type: String
    var username: String?
    var message: String?
    var at: String?
    var id: Int64?
    var code: String?

    static func join(_ member: ChatMember, at date: Date = .now) -> ChatEvent {
        ChatEvent(type: "chat_join", username: member.username, at: ChatEvent.timestamp(date))
    }

    static func leave(_ member: ChatMember, at date: Date = .now) -> ChatEvent {
        ChatEvent(type: "chat_leave", username: member.username, at: ChatEvent.timestamp(date))
    }

    static func message(_ stored: ChatMessage) -> ChatEvent {
        ChatEvent(type: "chat_message", username: stored.username, message: stored.message, at: timestamp(stored.sentAt), id: stored.id)
    }

    static func error(_ code: String, _ message: String) -> ChatEvent {
        ChatEvent(type: "error", message: message, code: code)
    }

    /// The frame's text: keys sorted, so a frame reads the same everywhere.
    var json: String {
        String(decoding: (try? Self.encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// What a client may send: `{"type":"message","message":"…"}` or `{"type":"heartbeat"}`.
enum ChatCommand: Equatable {
    case message(String)
    case heartbeat

    /// The command in `text`, or the error frame to answer with.
    static func parse(_ text: String) -> Result<ChatCommand, ChatCommandError> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], let type = object["type"] as? String else {
            return .failure(ChatCommandError("malformed", "A frame is a JSON object with a \"type\"."))
        }
        switch type {
        case "heartbeat":
            return .success(.heartbeat)
        case "message":
            guard let message = object["message"] as? String else {
                return .failure(ChatCommandError("malformed", "A message frame needs a \"message\" string."))
            }
            let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { return .failure(ChatCommandError("empty", "The message is empty.")) }
            guard trimmed.count <= ChatMessage.maxLength else {
                return .failure(ChatCommandError("too_long", "A message holds at most \(ChatMessage.maxLength) characters."))
            }
            return .success(.message(trimmed))
        default:
            return .failure(ChatCommandError("unknown_type", "Unknown frame type \"\(type.prefix(40))\"; send \"message\" or \"heartbeat\"."))
        }
    }
}

struct ChatCommandError: Error, Equatable {
    let code: String
    let message: String
    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    var event: ChatEvent { .error(code, message) }
}
