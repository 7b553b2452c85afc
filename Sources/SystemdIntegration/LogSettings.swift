import Logging

/// The levels `--log-level` and `VIP_AGENT_LOG_LEVEL` accept.
public enum LogLevelName: String, CaseIterable, Sendable {
    case debug, info, notice, warning, error

    public var level: Logger.Level {
        switch self {
        case .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error: return .error
        }
    }
}

/// How records are written on stderr (`--log-format`, `VIP_AGENT_LOG_FORMAT`).
public enum LogFormat: String, CaseIterable, Sendable {
    /// `2026-11-22T18:00:00.123Z info became MASTER vip=api` (PlainTextFormatter).
    case text
    /// `time=2026-11-22T18:00:00.123Z level=info msg="became MASTER" vip=api`.
    case logfmt
    /// One JSON object per line: `{"time":…,"level":"info","msg":"became MASTER","vip":"api"}`.
    case json
}

/// The logging the daemon starts with: a flag wins over its environment variable, which wins
/// over the default (info; the journal when systemd connected stderr to it, else text).
/// A value that is not one of the accepted names is refused, never silently replaced.
public struct LogSettings: Equatable, Sendable {
    public static let levelVariable = "VIP_AGENT_LOG_LEVEL"
    public static let formatVariable = "VIP_AGENT_LOG_FORMAT"

    public var level: LogLevelName
    /// nil: the journal's native protocol when stderr is the journal, plain text otherwise.
    public var format: LogFormat?

    public init(level: LogLevelName = .info, format: LogFormat? = nil) {
        self.level = level
        self.format = format
    }

    public static func resolve(level: LogLevelName?, format: LogFormat?,
                               environment: [String: String]) -> Result<LogSettings, LogSettingsError> {
        var problems: [String] = []
        var settings = LogSettings()
        if let level {
            settings.level = level
        } else if let raw = environment[levelVariable] {
            if let parsed = LogLevelName(rawValue: raw) {
                settings.level = parsed
            } else {
                problems.append(refusal(levelVariable, raw, LogLevelName.allCases.map(\.rawValue)))
            }
        }
        if let format {
            settings.format = format
        } else if let raw = environment[formatVariable] {
            if let parsed = LogFormat(rawValue: raw) {
                settings.format = parsed
            } else {
                problems.append(refusal(formatVariable, raw, LogFormat.allCases.map(\.rawValue)))
            }
        }
        return problems.isEmpty ? .success(settings) : .failure(LogSettingsError(problems: problems))
    }

    private static func refusal(_ variable: String, _ value: String, _ accepted: [String]) -> String {
        "\(variable): \"\(PlainTextFormatter.escapeControls(value))\" is not one of \(accepted.joined(separator: ", "))"
    }
}

public struct LogSettingsError: Error, Equatable, CustomStringConvertible, Sendable {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
