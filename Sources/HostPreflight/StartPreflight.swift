import AgentConfig
import HostPlumbing
import Logging

/// The first thing `vip-agent run` does once its configuration parsed, before any socket,
/// the metrics listener or OVS: remove the VIP copies a killed run left behind (so a start that
/// fails later still leaves the host clean), then refuse VIPs the host holds for itself and say
/// clearly which capabilities are missing.
public enum StartPreflight {
    /// nil to go on starting; an exit code to stop with.
    public static func run(_ configuration: Configuration, logger: Logger) -> Int32? {
        if RunningAgent.answers(onSocket: configuration.status.socket) {
            // Its socket is taken: this start fails further on, and must not touch the host.
            logger.warning("another vip-agent answers on \(configuration.status.socket); leaving its VIP copies alone")
            return nil
        }
        let route: NetlinkRoute
        do {
            route = try NetlinkRoute()
        } catch {
            logger.error("cannot check for stale VIP copies: \(error)")
            return nil
        }
        do {
            for copy in try StaleCopies.remove(configuration, route: route) {
                logger.notice("removed a stale copy of \(copy.address)/\(copy.prefixLength) from \(copy.interfaceName) (left by an earlier run)")
            }
        } catch {
            logger.error("removing stale VIP copies: \(error)")
        }
        let host: HostPreflight.HostView
        do {
            host = try HostPreflight.readHost(route)
        } catch {
            logger.error("reading this host's addresses: \(error)")
            return nil
        }
        let held = HostPreflight.vipsHeldByHost(configuration, host: host)
        for problem in held {
            logger.critical("cannot start: \(problem)")
        }
        if !held.isEmpty { return 2 }
        for problem in HostPreflight.capabilityProblems(host.capabilities) {
            logger.error("\(problem): this node cannot hold a VIP")
        }
        return nil
    }
}
