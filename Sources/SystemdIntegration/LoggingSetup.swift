import Foundation
import Logging

/// Where log records go.
public enum LogDestination: Equatable, Sendable {
    /// Structured entries through the journal's native protocol.
    case journal
    /// One line per record on stderr, in the given format.
    case stderr(LogFormat)
}

/// Installs the process-wide log handler: the journal when systemd connected stderr to it,
/// plain text on stderr otherwise.
public enum LoggingSetup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    /// Bootstraps swift-log once per process; later calls do nothing (swift-log itself
    /// traps on a second bootstrap).
    public static func bootstrap(level: Logger.Level) {
        install(level: level, format: nil)
    }

    /// With a `format`, records go to stderr in that format even under systemd (journald
    /// stores the lines as they are); without, as `detectDestination()` decides.
    public static func bootstrap(_ settings: LogSettings) {
        install(level: settings.level.level, format: settings.format)
    }

    private static func install(level: Logger.Level, format: LogFormat?) {
        lock.lock()
        defer { lock.unlock() }
        guard !bootstrapped else { return }
        bootstrapped = true
        let destination = format.map(LogDestination.stderr) ?? detectDestination()
        LoggingSystem.bootstrap({ label, provider in
            makeHandler(label: label, level: level, destination: destination, metadataProvider: provider)
        }, metadataProvider: nil)
    }

    /// The journal when stderr is the journal stream, else stderr.
    public static func detectDestination() -> LogDestination {
        JournalStream.stderrIsJournal() ? .journal : .stderr(.text)
    }

    public static func makeHandler(label: String, level: Logger.Level, destination: LogDestination,
                                   metadataProvider: Logger.MetadataProvider? = nil) -> any LogHandler {
        switch destination {
        case .journal:
            return JournalLogHandler(label: label, level: level, metadataProvider: metadataProvider)
        case .stderr(let format):
            return StderrLogHandler(label: label, level: level, format: format, metadataProvider: metadataProvider)
        }
    }
}

