import AgentConfig
import BasicTypes
import ElectionProtocol

/// When to announce a VIP: `garpCount` rounds `garpInterval` apart on becoming master or on
/// re-homing, then one every `refreshInterval` while master. Pure: the node core asks it what
/// is due at an instant and when it next wants to be asked.
struct AnnounceSchedule: Sendable {
    private var count: Int
    private var interval: Int64
    private var refresh: Int64
    private var burstLeft = 0
    /// The next round, nil while stopped.
    private(set) var next: Instant?

    init(settings: AnnounceConfig) {
        count = max(settings.garpCount, 1)
        interval = settings.garpInterval.nanoseconds
        refresh = settings.refreshInterval.nanoseconds
    }

    /// A reload: the rounds after the next one follow the new settings.
    mutating func reconfigure(_ settings: AnnounceConfig) {
        count = max(settings.garpCount, 1)
        interval = settings.garpInterval.nanoseconds
        refresh = settings.refreshInterval.nanoseconds
        burstLeft = min(burstLeft, count - 1)
    }

    /// A new burst, replacing the old one; its first round is due now.
    mutating func start(at now: Instant) {
        burstLeft = count - 1
        next = now
    }

    mutating func stop() {
        burstLeft = 0
        next = nil
    }

    /// Whether a round is due at `now` (and, if so, moves on to the one after it).
    mutating func roundDue(at now: Instant) -> Bool {
        guard let due = next, due <= now else { return false }
        if burstLeft > 0 {
            burstLeft -= 1
            next = due + interval
        } else {
            next = refresh > 0 ? due + refresh : nil
        }
        return true
    }
}
