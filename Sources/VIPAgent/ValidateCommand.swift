import ArgumentParser

/// `vip-agent validate --config FILE`: checks a configuration without touching the host.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration; print ok, or every problem with its key path (exit 2).")

    @OptionGroup var config: ConfigOptions

    func run() async throws {
        _ = try config.loadOrExit()
        print("ok")
    }
}
