import AgentConfig
import Logging

/// SIGHUP (`systemctl reload`, `ExecReload=`): the configuration file is read and validated
/// again. A bad file keeps the running configuration and every problem is logged. A valid one
/// is applied live (`Agent.reload`, then `NodeCore+Reload`): VIPs added or removed, priorities,
/// preemption, intervals and checks changed, peers changed, without dropping a VIP that stays.
/// A change to a key that needs a restart (`ConfigChanges.restartOnly`: node, cluster.port,
/// cluster.bind, the key, status.*, externalGateway) keeps the running configuration entirely;
/// each such key is logged.
enum ConfigReload {
    static func reload(path: String, agent: AgentHandle, logger: Logger) async {
        switch ConfigLoader.load(path: path) {
        case .failure(let problems):
            logger.error("SIGHUP: \(path) has \(problems.problems.count) problem(s); keeping the running configuration")
            for problem in problems.problems { logger.error("SIGHUP: \(problem.description)") }
        case .success(let fresh):
            try? await agent.onLoop { $0.reload(fresh, path: path) }
        }
    }
}
