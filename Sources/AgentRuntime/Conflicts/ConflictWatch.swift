import NIOCore

/// The state of the conflict probes on the agent's loop: a tracker and when the next probe is
/// due per VIP, the one timer of the periodic probes, and when each VIP's conflict was last
/// logged. Confined to the loop, like the agent.
final class ConflictWatch {
    let prober: ConflictProber
    var trackers: [String: ConflictTracker] = [:]
    /// When each VIP's next probe is due.
    var schedule = ConflictSchedule<ContinuousClock.Instant>()
    /// The next round of periodic probes.
    var task: Scheduled<Void>?
    /// Interfaces whose round of probes has not answered yet (no new round before they have).
    var inFlight = 0
    /// When a standing conflict or a failing probe was last logged, per VIP (at most once a minute).
    var lastLogged: [String: ContinuousClock.Instant] = [:]
    static let logSpacing: Duration = .seconds(60)
    /// How much later than due a round may start (`AgentLoop.scheduleTask(deadline:leeway:)`).
    static let roundLeeway: TimeAmount = .milliseconds(250)

    init(prober: ConflictProber) {
        self.prober = prober
    }

    /// Whether a line about `vip` may be logged now (and if so, remembers it).
    func mayLog(_ vip: String) -> Bool {
        let now = ContinuousClock.now
        if let last = lastLogged[vip], now - last < Self.logSpacing { return false }
        lastLogged[vip] = now
        return true
    }
}
