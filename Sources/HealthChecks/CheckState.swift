/// What a check has concluded so far.
public enum CheckState: String, Sendable {
    /// Never concluded: fewer than `rise` successes and fewer than `fall` failures in a row so far.
    case unknown
    case healthy
    case unhealthy
}
