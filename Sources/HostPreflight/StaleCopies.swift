import HostModel
import BasicTypes
import AgentConfig
import HostPlumbing

/// Copies of the configured VIPs that an earlier run added and did not remove (it was killed,
/// or its start failed): removed before anything else, by `run` and by `vip-agent cleanup`.
public enum StaleCopies {
    /// Removes the marked copies of every configured VIP; returns what was removed.
    public static func remove(_ configuration: Configuration, route: NetlinkRoute) throws -> [InterfaceAddress] {
        let vips = configuration.vips.compactMap { IPAddress(bytes: $0.address.bytes) }
        return try route.removeAgentCopies(of: vips)
    }

    /// The marked copies still present (for `cleanup` to tell whether anything is left).
    public static func remaining(_ configuration: Configuration, route: NetlinkRoute) throws -> [InterfaceAddress] {
        let vips = configuration.vips.compactMap { IPAddress(bytes: $0.address.bytes) }
        let names = try route.interfaceNames()
        return VIPHolders.agentCopies(of: vips, in: try route.addressRecords(), names: names).map {
            InterfaceAddress(interfaceIndex: $0.interfaceIndex, interfaceName: names[$0.interfaceIndex] ?? "index \($0.interfaceIndex)",
                             address: $0.address, prefixLength: $0.prefixLength)
        }
    }
}
