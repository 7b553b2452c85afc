import Logging

/// swift-log levels as syslog priorities, the journal's `PRIORITY=` (0 emerg … 7 debug).
public enum JournalPriority {
    public static func of(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
