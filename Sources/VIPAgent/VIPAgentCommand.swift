import AgentConfig
import ArgumentParser

/// `vip-agent`: the daemon and its configuration check.
///
/// Exit codes: 0 ok, 2 bad configuration or bad usage, otherwise what the daemon returns.
@main
struct VIPAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vip-agent",
        abstract: "Keeps a floating virtual IP alive across Kubernetes masters.",
        version: VIPAgentVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, CleanupCommand.self])

    /// Like the library's `main`, except that usage errors exit 2 (not 64), as documented.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileOutput.standardError(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
