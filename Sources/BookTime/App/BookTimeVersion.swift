/// The version `booktime --version` prints; raise it with each release.
public enum BookTimeVersion {
    public static let current = "0.14.0"
}
