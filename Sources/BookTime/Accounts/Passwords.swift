import BookTimeResources
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt at cost 12, always on the thread pool (it takes ~0.25 s of CPU by design).
public enum PasswordHasher {
    public static let cost: UInt8 = 12

    public static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A random password for generated accounts: 20 characters from an unambiguous alphabet.
    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Django's password validators, with our minimum length of 10: messages worded as Django's.
public enum PasswordPolicy {
    public static let minimumLength = 10

    /// The rules, as shown under a new-password field.
    static let help = "At least \(minimumLength) characters, not entirely numeric, not like your email address, not a common password."

    /// Common passwords of 10 characters or more, shipped in `Resources/data/common_passwords.txt`.
    static let common: Set<String> = {
        let text = String(decoding: EmbeddedResources.files["data/common_passwords.txt"] ?? [], as: UTF8.self)
        return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }()

    /// Every rule the password breaks; empty when it is acceptable.
    public static func problems(password: String, email: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength {
            problems.append("This password is too short. It must contain at least \(minimumLength) characters.")
        }
        if !password.isEmpty, password.allSatisfy(\.isNumber) {
            problems.append("This password is entirely numeric.")
        }
        let lowered = password.lowercased()
        let localPart = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if lowered == email.lowercased() || (localPart.count >= 3 && lowered.contains(localPart)) {
            problems.append("The password is too similar to the email address.")
        }
        if common.contains(lowered) {
            problems.append("This password is too common.")
        }
        return problems
    }
}
