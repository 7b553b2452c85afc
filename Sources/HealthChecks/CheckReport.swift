import Foundation

/// What a check runner says after every run.
public struct CheckReport: Sendable, Equatable {
    public var name: String
    public var state: CheckState
    /// The last run's detail ("200 OK", "connection refused").
    public var detail: String
    /// When `state` last changed (the runner's start while still `.unknown`).
    public var since: Date
    /// Runs that passed / failed since the runner started.
    public var successes: UInt64
    public var failures: UInt64
    public var lastDuration: Duration
    /// Whether any run ever passed (used for the start-up grace decision).
    public var everPassed: Bool
    /// Set on the report that carries a state change, e.g. "apiserver: 3 failures: connection refused".
    public var changeReason: String?

    public init(name: String, state: CheckState, detail: String, since: Date, successes: UInt64,
                failures: UInt64, lastDuration: Duration, everPassed: Bool, changeReason: String?) {
        self.name = name
        self.state = state
        self.detail = detail
        self.since = since
        self.successes = successes
        self.failures = failures
        self.lastDuration = lastDuration
        self.everPassed = everPassed
        self.changeReason = changeReason
    }
}
