import OVSDB

/// Makes OVN announce a gateway router port's addresses after every gateway move.
///
/// The router port's MAC is the same on every chassis, so routers' ARP caches stay right when
/// the gateway moves, but physical switches keep sending frames for that MAC to the old node's
/// port until their tables age out. With `options:nat-addresses="router"` on the external
/// switch's router-type port that peers with the router port, ovn-northd puts the port's
/// addresses and every NAT (EIP, SNAT) external address of the router into the southbound
/// `Port_Binding.nat_addresses`, and ovn-controller on the chassis where the gateway is active
/// sends gratuitous ARPs for them (at once after a move, then periodically).
public enum NATAddressAnnouncement {
    public static let optionKey = "nat-addresses"
    public static let optionValue = "router"

    /// One router-type switch port peering with the router port, and its current option.
    public struct PeerPort: Equatable, Sendable {
        public var uuid: String
        public var name: String
        public var natAddresses: String?
    }

    /// The switch ports of type `router` whose `options:router-port` is `routerPort`.
    public static func peers(of routerPort: String, client: OVSDBClient) async throws -> [PeerPort] {
        let results = try await client.transact(database: GatewayChassisStore.database, operations: [
            .select("Logical_Switch_Port", where: [.equals("type", .string("router"))], columns: ["_uuid", "name", "options"]),
        ])
        return (results.first?.rows ?? []).compactMap { row in
            guard let uuid = row["_uuid"]?.ovsdbUUID, let options = row["options"]?.ovsdbStringMap,
                  options["router-port"] == routerPort else { return nil }
            return PeerPort(uuid: uuid, name: row["name"]?.stringValue ?? "", natAddresses: options[optionKey])
        }.sorted { $0.name < $1.name }
    }

    /// The transaction that sets `options:nat-addresses=router` on `port`, leaving its other
    /// options alone (delete the key, then insert it: a map insert never overwrites).
    public static func operations(for port: PeerPort) -> [OVSDBOperation] {
        [
            .mutate("Logical_Switch_Port", where: [.uuid(port.uuid)],
                    mutations: [OVSDBMutation("options", "delete", .array([.string("set"), .array([.string(optionKey)])]))]),
            .mutate("Logical_Switch_Port", where: [.uuid(port.uuid)],
                    mutations: [OVSDBMutation("options", "insert", OVSDBDatum.map([optionKey: optionValue]))]),
            .comment("vip-agent: announce NAT addresses of \(port.name) after gateway moves"),
        ]
    }

    /// Ensures the option on every peer of `routerPort`; returns the names of the peers and of
    /// the ports it changed.
    @discardableResult
    public static func ensure(routerPort: String, client: OVSDBClient) async throws -> (peers: [String], changed: [String]) {
        let peers = try await peers(of: routerPort, client: client)
        var changed: [String] = []
        for port in peers where port.natAddresses != optionValue {
            _ = try await client.transact(database: GatewayChassisStore.database, operations: operations(for: port))
            changed.append(port.name)
        }
        return (peers.map(\.name), changed)
    }
}
