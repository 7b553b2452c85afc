import Glibc
import Logging

/// A swift-log handler writing structured entries to the systemd journal: `MESSAGE=`,
/// `PRIORITY=`, `SYSLOG_IDENTIFIER=vip-agent`, `CODE_*` and one upper-cased field per
/// metadata key (`VIP=`, `STATE=`, `REASON=`).
///
/// If the journal refuses an entry, the line goes to stderr instead (which systemd also
/// captures). When no journald listens at all, libsystemd drops entries without an error.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    public let label: String
    private let identifier: String
    /// `JournalWriter.send`, replaced in tests.
    private let sendEntry: @Sendable ([JournalField]) -> Int32

    public init(label: String, level: Logger.Level = .info,
                identifier: String = JournalFields.identifier,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, level: level, identifier: identifier, metadataProvider: metadataProvider,
                  send: { JournalWriter.send($0) })
    }

    init(label: String, level: Logger.Level, identifier: String,
         metadataProvider: Logger.MetadataProvider?, send: @escaping @Sendable ([JournalField]) -> Int32) {
        self.label = label
        self.logLevel = level
        self.identifier = identifier
        self.metadataProvider = metadataProvider
        self.sendEntry = send
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = MetadataMerge.merge(handler: metadata, provider: metadataProvider, event: event)
        let message = event.message.description
        let fields = JournalFields.build(level: event.level, message: message, metadata: merged,
                                         file: event.file, function: event.function, line: event.line,
                                         identifier: identifier)
        if sendEntry(fields) < 0 {
            StderrWriter.write(PlainTextFormatter.format(level: event.level, message: message, metadata: merged))
        }
    }
}
