import AgentConfig
import NIOCore

/// When to announce a VIP: `garpCount` rounds `garpInterval` apart on becoming master or on
/// re-homing, then one every `refreshInterval` while master. Each round is a callback; a new
/// burst replaces the old one.
final class AnnounceSchedule {
    private let loop: EventLoop
    private let settings: AnnounceConfig
    private var burst: [Scheduled<Void>] = []
    private var refresh: RepeatedTask?

    init(loop: EventLoop, settings: AnnounceConfig) {
        self.loop = loop
        self.settings = settings
    }

    func start(_ round: @escaping () -> Void) {
        stop()
        let count = max(settings.garpCount, 1)
        round()
        for i in 1..<count {
            burst.append(loop.scheduleTask(in: settings.garpInterval.timeAmount * Int64(i)) { round() })
        }
        if settings.refreshInterval > .zero {
            let every = settings.refreshInterval.timeAmount
            let first = settings.garpInterval.timeAmount * Int64(count - 1) + every
            refresh = loop.scheduleRepeatedTask(initialDelay: first, delay: every) { _ in round() }
        }
    }

    func stop() {
        burst.forEach { $0.cancel() }
        burst.removeAll()
        refresh?.cancel()
        refresh = nil
    }
}
