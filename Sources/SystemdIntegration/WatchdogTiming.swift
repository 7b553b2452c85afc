/// Watchdog arithmetic: systemd restarts the unit when no `WATCHDOG=1` arrives within
/// `WatchdogSec=`; pinging at half that period tolerates one late or lost ping.
public enum WatchdogTiming {
    /// The ping period for a watchdog `timeout`.
    public static func pingInterval(timeout: Duration) -> Duration {
        timeout / 2
    }

    /// `WATCHDOG_USEC` as a duration.
    public static func timeout(microseconds: UInt64) -> Duration {
        .microseconds(Int64(clamping: microseconds))
    }
}
