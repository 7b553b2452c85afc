import ArgumentParser
import HostPlumbing
import HostPreflight

/// `vip-agent validate --config FILE`: checks a configuration without touching the host.
/// With `--host`, also checks this host (read only): capabilities, interfaces, the key file's
/// owner and mode, and VIPs the host already holds for itself.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration; print ok, or every problem with its key path (exit 2).")

    @OptionGroup var config: ConfigOptions

    @Flag(name: .customLong("host"),
          help: "Also check this host: capabilities, interfaces, key file owner and mode, VIPs the host holds.")
    var host = false

    func run() async throws {
        let configuration = try config.loadOrExit()
        if host {
            let view: HostPreflight.HostView
            do {
                view = try HostPreflight.readHost(try NetlinkRoute())
            } catch {
                print("host: cannot read this host's links and addresses: \(error)")
                throw ExitCode(2)
            }
            let findings = HostPreflight.check(configuration, host: view)
            for finding in findings { print(finding.description) }
            if findings.contains(where: { $0.severity == .problem }) { throw ExitCode(2) }
        }
        print("ok")
    }
}
