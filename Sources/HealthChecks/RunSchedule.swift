/// Pure timing of a check's runs: fixed rate, one run every `interval` counted from the start of
/// the previous run; a run that overran its slot is followed at once, never by a burst of catch-up runs.
public struct RunSchedule: Sendable, Equatable {
    /// The smallest interval a runner accepts; shorter ones (zero, negative) are raised to it.
    public static let minimumInterval: Duration = .milliseconds(10)
    /// The smallest timeout a runner accepts.
    public static let minimumTimeout: Duration = .milliseconds(1)

    public let interval: Duration

    public init(interval: Duration) {
        self.interval = max(interval, Self.minimumInterval)
    }

    /// When the next run starts, given when the last one started and the time now.
    public func nextStart<I: InstantProtocol>(after lastStart: I, now: I) -> I where I.Duration == Duration {
        let due = lastStart.advanced(by: interval)
        return due < now ? now : due
    }
}
