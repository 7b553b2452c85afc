import ArgumentParser
import Foundation
import SystemdIntegration

extension LogLevelName: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

/// `--log-level` and `--log-format` of `vip-agent run`. Bad values are refused by the parser
/// (exit 2); bad `VIP_AGENT_LOG_LEVEL` / `VIP_AGENT_LOG_FORMAT` values by `settings()`.
struct LogOptions: ParsableArguments {
    @Option(name: .long,
            help: ArgumentHelp("Least severe level logged (default: $VIP_AGENT_LOG_LEVEL, else info).",
                               valueName: "level"))
    var logLevel: LogLevelName?

    @Option(name: .long,
            help: ArgumentHelp("Write log lines to stderr in this format (default: $VIP_AGENT_LOG_FORMAT, else "
                               + "the journal's native protocol under systemd, text otherwise).",
                               valueName: "format"))
    var logFormat: LogFormat?

    /// The resolved settings; on a bad environment value prints it (stderr) and throws exit 2.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LogSettings {
        switch LogSettings.resolve(level: logLevel, format: logFormat, environment: environment) {
        case .success(let settings):
            return settings
        case .failure(let error):
            for problem in error.problems { FileOutput.standardError(problem) }
            throw ExitCode(2)
        }
    }
}
