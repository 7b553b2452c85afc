import AgentConfig
import HealthChecks
import NIOCore

/// The health checks the VIPs refer to, each run by its own `CheckRunner`. Reports are handed
/// to `onReport` from the runners' own context; the agent hops them onto its loop.
final class CheckSet {
    private(set) var runners: [String: CheckRunner] = [:]
    private(set) var configs: [HealthCheckConfig]
    private let eventLoopGroup: EventLoopGroup
    private let onReport: @Sendable (CheckReport, Bool) -> Void

    init(configs: [HealthCheckConfig], eventLoopGroup: EventLoopGroup,
         onReport: @escaping @Sendable (CheckReport, Bool) -> Void) throws {
        self.configs = configs
        self.eventLoopGroup = eventLoopGroup
        self.onReport = onReport
        for config in configs {
            runners[config.name] = try makeRunner(config)
        }
    }

    /// The checks a configuration's VIPs and gateway refer to (the others are not run).
    static func used(by configuration: Configuration) -> [HealthCheckConfig] {
        configuration.healthChecks.filter { check in
            configuration.vips.contains { $0.checks.contains(check.name) }
                || configuration.externalGateway?.checks.contains(check.name) == true
        }
    }

    private func makeRunner(_ config: HealthCheckConfig) throws -> CheckRunner {
        let probe: Probe
        do {
            probe = try makeProbe(ProbeSpec(config.kind), eventLoopGroup: eventLoopGroup)
        } catch {
            throw CheckSetupError(description: "healthChecks \(config.name): \(error)")
        }
        return CheckRunner(name: config.name, probe: probe, interval: config.interval, timeout: config.timeout,
                           rise: config.rise, fall: config.fall, onReport: onReport)
    }

    func start() { runners.values.forEach { $0.start() } }
    func stop() { runners.values.forEach { $0.stop() } }

    /// A reload: removed checks stop, changed ones start again with their new settings, added
    /// ones start. A check that cannot be set up keeps its old runner (or none); its problem is
    /// returned. Returns the names of the checks that are gone.
    func apply(_ fresh: [HealthCheckConfig]) -> (removed: [String], problems: [String]) {
        var removed: [String] = [], problems: [String] = []
        for old in configs where !fresh.contains(where: { $0.name == old.name }) {
            runners.removeValue(forKey: old.name)?.stop()
            removed.append(old.name)
        }
        var applied: [HealthCheckConfig] = []
        for config in fresh {
            if let old = configs.first(where: { $0.name == config.name }), old == config {
                applied.append(config)
                continue
            }
            do {
                let runner = try makeRunner(config)
                runners.removeValue(forKey: config.name)?.stop()
                runners[config.name] = runner
                runner.start()
                applied.append(config)
            } catch {
                problems.append("\(error)")
                if let old = configs.first(where: { $0.name == config.name }) { applied.append(old) }
            }
        }
        configs = applied
        return (removed, problems)
    }

    func state(of name: String) -> CheckState { runners[name]?.latest.state ?? .unknown }
    var reports: [CheckReport] { configs.compactMap { runners[$0.name]?.latest } }
}

struct CheckSetupError: Error, CustomStringConvertible {
    let description: String
}
