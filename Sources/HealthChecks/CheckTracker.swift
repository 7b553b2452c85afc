import Foundation

/// Pure bookkeeping of one check: outcomes in, reports out. No clock of its own; the caller
/// passes the time of each outcome.
public struct CheckTracker: Sendable, Equatable {
    public let name: String
    public private(set) var hysteresis: Hysteresis
    public private(set) var since: Date
    public private(set) var successes: UInt64 = 0
    public private(set) var failures: UInt64 = 0
    public private(set) var everPassed = false

    public init(name: String, rise: Int, fall: Int, startedAt: Date) {
        self.name = name
        self.hysteresis = Hysteresis(rise: rise, fall: fall)
        self.since = startedAt
    }

    /// Records one outcome; returns the report and whether the state changed with it.
    public mutating func record(_ outcome: ProbeOutcome, at now: Date) -> (report: CheckReport, changed: Bool) {
        if outcome.success {
            successes &+= 1
            everPassed = true
        } else {
            failures &+= 1
        }
        let newState = hysteresis.record(success: outcome.success)
        var reason: String?
        if let newState {
            since = now
            reason = Self.reason(name: name, state: newState, hysteresis: hysteresis, detail: outcome.detail)
        }
        let report = CheckReport(
            name: name, state: hysteresis.state, detail: outcome.detail, since: since,
            successes: successes, failures: failures, lastDuration: outcome.duration,
            everPassed: everPassed, changeReason: reason
        )
        return (report, newState != nil)
    }

    /// "apiserver: 3 failures: connection refused", "apiserver: 2 successes: 200 OK".
    static func reason(name: String, state: CheckState, hysteresis: Hysteresis, detail: String) -> String {
        let streak: String
        switch state {
        case .healthy:
            let n = hysteresis.consecutiveSuccesses
            streak = n == 1 ? "1 success" : "\(n) successes"
        case .unhealthy, .unknown:
            let n = hysteresis.consecutiveFailures
            streak = n == 1 ? "1 failure" : "\(n) failures"
        }
        return OutputText.joined("\(name): \(streak)", detail)
    }
}
