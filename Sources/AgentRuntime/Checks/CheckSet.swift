import AgentConfig
import HealthChecks
import NIOCore

/// The health checks the VIPs refer to, each run by its own `CheckRunner`. Reports are handed
/// to `onReport` from the runners' own context; the agent hops them onto its loop.
final class CheckSet {
    private(set) var runners: [String: CheckRunner] = [:]
    let configs: [HealthCheckConfig]

    init(configs: [HealthCheckConfig], eventLoopGroup: EventLoopGroup,
         onReport: @escaping @Sendable (CheckReport, Bool) -> Void) throws {
        self.configs = configs
        for config in configs {
            let probe: Probe
            do {
                probe = try makeProbe(ProbeSpec(config.kind), eventLoopGroup: eventLoopGroup)
            } catch {
                throw CheckSetupError(description: "healthChecks \(config.name): \(error)")
            }
            runners[config.name] = CheckRunner(
                name: config.name, probe: probe, interval: config.interval, timeout: config.timeout,
                rise: config.rise, fall: config.fall, onReport: onReport)
        }
    }

    func start() { runners.values.forEach { $0.start() } }
    func stop() { runners.values.forEach { $0.stop() } }

    func state(of name: String) -> CheckState { runners[name]?.latest.state ?? .unknown }
    var reports: [CheckReport] { configs.compactMap { runners[$0.name]?.latest } }
}

struct CheckSetupError: Error, CustomStringConvertible {
    let description: String
}
