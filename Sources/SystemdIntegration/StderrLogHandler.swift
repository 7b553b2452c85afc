import Logging

/// A swift-log handler writing one line per record to stderr, as plain text
/// (`PlainTextFormatter`, the default outside systemd), logfmt or JSON (`--log-format`).
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    public let label: String
    public let format: LogFormat

    public init(label: String, level: Logger.Level = .info, format: LogFormat = .text,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = MetadataMerge.merge(handler: metadata, provider: metadataProvider, event: event)
        StderrWriter.write(Self.line(format: format, level: event.level, message: event.message.description,
                                     metadata: merged))
    }

    static func line(format: LogFormat, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        switch format {
        case .text: return PlainTextFormatter.format(level: level, message: message, metadata: metadata)
        case .logfmt: return LogfmtFormatter.format(level: level, message: message, metadata: metadata)
        case .json: return JSONLineFormatter.format(level: level, message: message, metadata: metadata)
        }
    }
}
