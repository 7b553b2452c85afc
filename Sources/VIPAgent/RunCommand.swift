import AgentRuntime
import ArgumentParser
import SystemdIntegration

/// `vip-agent run --config FILE`: the daemon, in the foreground.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent in the foreground until SIGTERM or SIGINT.")

    @OptionGroup var config: ConfigOptions
    @OptionGroup var log: LogOptions

    func run() async throws {
        let logSettings = try log.settings()
        let configuration = try config.loadOrExit()
        LoggingSetup.bootstrap(logSettings)
        let code = try await AgentMain.run(configuration: configuration, configPath: config.path)
        if code != 0 {
            throw ExitCode(code)
        }
    }
}
