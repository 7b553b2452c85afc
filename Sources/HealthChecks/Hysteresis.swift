/// Pure rise/fall hysteresis (keepalived's `rise`/`fall`):
/// unknown or unhealthy -> healthy after `rise` consecutive successes;
/// unknown or healthy -> unhealthy after `fall` consecutive failures.
public struct Hysteresis: Sendable, Equatable {
    public let rise: Int
    public let fall: Int
    public private(set) var state: CheckState = .unknown
    public private(set) var consecutiveSuccesses = 0
    public private(set) var consecutiveFailures = 0

    /// `rise` and `fall` below 1 are taken as 1.
    public init(rise: Int, fall: Int) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }

    /// Feeds one probe result; returns the new state when it changes, nil otherwise.
    public mutating func record(success: Bool) -> CheckState? {
        if success {
            consecutiveSuccesses = consecutiveSuccesses == Int.max ? Int.max : consecutiveSuccesses + 1
            consecutiveFailures = 0
            if state != .healthy, consecutiveSuccesses >= rise { return enter(.healthy) }
        } else {
            consecutiveFailures = consecutiveFailures == Int.max ? Int.max : consecutiveFailures + 1
            consecutiveSuccesses = 0
            if state != .unhealthy, consecutiveFailures >= fall { return enter(.unhealthy) }
        }
        return nil
    }

    private mutating func enter(_ new: CheckState) -> CheckState {
        state = new
        return new
    }
}
