import CSystemd
import Glibc
import Logging

/// Talks to the service manager through `$NOTIFY_SOCKET` (sd_notify(3)): readiness, the
/// one-line status, watchdog keep-alives and the start of shutdown.
///
/// Exists only when the process was started by systemd with `Type=notify` (or anything else
/// that sets `NOTIFY_SOCKET`); `fromEnvironment()` returns `nil` otherwise, so callers can
/// write `notifier?.ready(status: …)`.
public final class SystemdNotifier: Sendable {
    /// Half the unit's `WatchdogSec=`: the period at which `watchdogPing()` must be called so
    /// that one late or lost ping never trips the watchdog. `nil` when the watchdog is off or
    /// meant for another process (`WATCHDOG_PID`).
    public let watchdogInterval: Duration?
    /// The unit's full `WatchdogSec=`, when the watchdog is on for this process.
    public let watchdogTimeout: Duration?
    /// The socket named by `NOTIFY_SOCKET` when the notifier was made (for messages and tests).
    public let socketPath: String
    private let logger: Logger

    init(socketPath: String, watchdogTimeout: Duration?, logger: Logger) {
        self.socketPath = socketPath
        self.watchdogTimeout = watchdogTimeout
        self.watchdogInterval = watchdogTimeout.map(WatchdogTiming.pingInterval(timeout:))
        self.logger = logger
    }

    /// A notifier when `NOTIFY_SOCKET` is set and not empty, else `nil`. The watchdog settings
    /// (`WATCHDOG_USEC`, `WATCHDOG_PID`) are read once, here.
    public static func fromEnvironment(logger: Logger = Logger(label: "vip-agent.systemd")) -> SystemdNotifier? {
        guard let raw = getenv("NOTIFY_SOCKET") else { return nil }
        let path = String(cString: raw)
        guard !path.isEmpty else { return nil }
        return SystemdNotifier(socketPath: path, watchdogTimeout: readWatchdogTimeout(logger: logger),
                               logger: logger)
    }

    /// `READY=1` with the first status line: the unit leaves "activating".
    @discardableResult
    public func ready(status: String) -> Bool {
        send(NotifyMessage.ready(status: status), what: "readiness")
    }

    /// `STATUS=`: the one-line state shown by `systemctl status vip-agent`.
    @discardableResult
    public func status(_ text: String) -> Bool {
        send(NotifyMessage.status(text), what: "status")
    }

    /// `WATCHDOG=1`. Call it from the event loop every `watchdogInterval`, and only while the
    /// loop is live, so a wedged agent is restarted.
    @discardableResult
    public func watchdogPing() -> Bool {
        send(NotifyMessage.watchdog, what: "watchdog keep-alive")
    }

    /// `STOPPING=1`: the graceful hand-over has begun.
    @discardableResult
    public func stopping() -> Bool {
        send(NotifyMessage.stopping, what: "stopping notice")
    }

    private func send(_ message: String, what: String) -> Bool {
        let result = sd_notify(0, message)
        if result > 0 { return true }
        if result == 0 {
            logger.warning("systemd notification socket vanished from the environment; \(what) not sent",
                           metadata: ["socket": "\(socketPath)"])
        } else {
            logger.warning("could not send \(what) to systemd: \(String(cString: strerror(-result)))",
                           metadata: ["socket": "\(socketPath)"])
        }
        return false
    }

    private static func readWatchdogTimeout(logger: Logger) -> Duration? {
        var usec: UInt64 = 0
        let result = sd_watchdog_enabled(0, &usec)
        if result < 0 {
            logger.warning("ignoring the systemd watchdog settings: \(String(cString: strerror(-result))) (WATCHDOG_USEC=\(environment("WATCHDOG_USEC") ?? "unset"), WATCHDOG_PID=\(environment("WATCHDOG_PID") ?? "unset"))")
            return nil
        }
        guard result > 0 else { return nil }
        return WatchdogTiming.timeout(microseconds: usec)
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
