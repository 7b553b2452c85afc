import Logging

/// A swift-log handler writing one plain-text line per record to stderr
/// (see `PlainTextFormatter`). Used when the agent runs outside systemd.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    public let label: String

    public init(label: String, level: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = MetadataMerge.merge(handler: metadata, provider: metadataProvider, event: event)
        StderrWriter.write(PlainTextFormatter.format(level: event.level, message: event.message.description,
                                                     metadata: merged))
    }
}
