import HostModel
import AgentConfig
import ArgumentParser
import HostPlumbing
import HostPreflight

/// `vip-agent cleanup --config FILE`: removes the VIP copies this agent added (`ExecStopPost=`,
/// a static pod's `preStop`). Exit 0 when none is left, 1 when one could not be removed.
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove the VIP copies this agent added; exit 0 when none is left.")

    @OptionGroup var config: ConfigOptions

    func run() throws {
        let configuration = try config.loadOrExit()
        if RunningAgent.answers(onSocket: configuration.status.socket) {
            FileOutput.standardError("cleanup: a running vip-agent answers on \(configuration.status.socket); it removes its VIP itself when it stops (stop it first)")
            throw ExitCode(1)
        }
        let route: NetlinkRoute
        do {
            route = try NetlinkRoute()
        } catch {
            FileOutput.standardError("cleanup: \(error)")
            throw ExitCode(1)
        }
        var failure: Error?
        do {
            for copy in try StaleCopies.remove(configuration, route: route) {
                print("removed \(copy.address)/\(copy.prefixLength) from \(copy.interfaceName)")
            }
        } catch {
            failure = error
        }
        let left: [InterfaceAddress]
        do {
            left = try StaleCopies.remaining(configuration, route: route)
        } catch {
            FileOutput.standardError("cleanup: \(failure.map { "\($0); " } ?? "")\(error)")
            throw ExitCode(1)
        }
        guard left.isEmpty else {
            if let failure { FileOutput.standardError("cleanup: \(failure)") }
            FileOutput.standardError("cleanup: still present: \(left.map(\.description).joined(separator: ", "))")
            throw ExitCode(1)
        }
        print("clean: no VIP copy left")
    }
}
