import BasicTypes

/// One network interface as netlink reports it.
public struct LinkInfo: Equatable, Sendable {
    public var index: Int32
    public var name: String
    /// rtnl_link_get_type: "bridge", "openvswitch", "vlan", "veth", ... nil for plain NICs.
    public var kind: String?
    /// IFLA_MASTER: the bridge/bond/OVS datapath this link is a port of; nil if none.
    public var masterIndex: Int32?
    /// IFF_UP.
    public var isUp: Bool
    /// IFF_LOWER_UP, or operstate up.
    public var hasCarrier: Bool
    public var mac: [UInt8]
    /// IFLA_LINK: the lower device of a stacked link (the parent NIC of a VLAN or macvlan);
    /// nil if none. Meaningful only for the `stackedKinds` (a veth reports its peer here).
    public var lowerIndex: Int32?

    public init(index: Int32, name: String, kind: String? = nil, masterIndex: Int32? = nil,
                isUp: Bool = true, hasCarrier: Bool = true, mac: [UInt8] = [], lowerIndex: Int32? = nil) {
        self.index = index
        self.name = name
        self.kind = kind
        self.masterIndex = masterIndex
        self.isUp = isUp
        self.hasCarrier = hasCarrier
        self.mac = mac
        self.lowerIndex = lowerIndex
    }

    /// True when this link is a port of some master (bridge, OVS, bond).
    public var isEnslaved: Bool { masterIndex != nil }

    /// Kinds whose frames come from a lower device (`lowerIndex`): when that device is a port of
    /// a master, the master's receive handler takes the frames and the stacked link is dead.
    public static let stackedKinds: Set<String> = ["vlan", "macvlan", "macvtap", "ipvlan", "ipvtap"]

    /// "aa:bb:cc:dd:ee:ff", or "" when the link has no hardware address.
    public var macText: String { mac.map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }.joined(separator: ":") }
}

/// One address configured on an interface.
public struct InterfaceAddress: Equatable, Sendable, CustomStringConvertible {
    public var interfaceIndex: Int32
    public var interfaceName: String
    public var address: IPAddress
    public var prefixLength: UInt8

    public init(interfaceIndex: Int32, interfaceName: String, address: IPAddress, prefixLength: UInt8) {
        self.interfaceIndex = interfaceIndex
        self.interfaceName = interfaceName
        self.address = address
        self.prefixLength = prefixLength
    }

    /// "10.77.0.11/24 on eno1"
    public var description: String { "\(address)/\(prefixLength) on \(interfaceName)" }
}

/// One next hop of a default route of the main table.
public struct DefaultRoute: Equatable, Sendable, CustomStringConvertible {
    public var interfaceIndex: Int32
    public var interfaceName: String
    /// Nil for a route without gateway (`default dev eno1`).
    public var gateway: IPAddress?

    public init(interfaceIndex: Int32, interfaceName: String, gateway: IPAddress? = nil) {
        self.interfaceIndex = interfaceIndex
        self.interfaceName = interfaceName
        self.gateway = gateway
    }

    /// "default via 10.77.0.1 dev eno1"
    public var description: String { "default\(gateway.map { " via \($0)" } ?? "") dev \(interfaceName)" }
}

/// Every link and every IPv4/IPv6 address of one network namespace, at one instant, and the
/// default routes of its main table.
public struct HostSnapshot: Equatable, Sendable {
    public var links: [LinkInfo]
    public var addresses: [InterfaceAddress]
    public var defaultRoutes: [DefaultRoute]

    public init(links: [LinkInfo] = [], addresses: [InterfaceAddress] = [], defaultRoutes: [DefaultRoute] = []) {
        self.links = links
        self.addresses = addresses
        self.defaultRoutes = defaultRoutes
    }

    public func link(named name: String) -> LinkInfo? {
        links.first { $0.name == name }
    }

    public func link(index: Int32) -> LinkInfo? {
        links.first { $0.index == index }
    }

    /// Why the kernel delivers nothing to `link`: it is a port of a master, or it is stacked
    /// (a VLAN, a macvlan) on a device that is; nil when it is usable. Follows at most 8 levels.
    public func strandedPort(_ link: LinkInfo) -> StrandedPort? {
        var current = link
        var chain: [LinkInfo] = []
        for _ in 0..<8 {
            if let masterIndex = current.masterIndex {
                return StrandedPort(link: link, chain: chain, port: current, masterIndex: masterIndex,
                                    master: self.link(index: masterIndex))
            }
            guard let kind = current.kind, LinkInfo.stackedKinds.contains(kind),
                  let lowerIndex = current.lowerIndex, lowerIndex != current.index,
                  let lower = self.link(index: lowerIndex) else { return nil }
            chain.append(current)
            current = lower
        }
        return nil
    }

    /// Addresses configured on the named interface.
    public func addresses(on name: String) -> [InterfaceAddress] {
        addresses.filter { $0.interfaceName == name }
    }

    /// Names of the interfaces that hold `a` (with any prefix), lowest index first, each once.
    /// Lets the caller see stray copies of the VIP and restore exactly one.
    public func interfacesHolding(_ a: IPAddress) -> [String] {
        var seen = Set<String>()
        return addresses
            .filter { $0.address == a }
            .sorted { $0.interfaceIndex < $1.interfaceIndex }
            .compactMap { seen.insert($0.interfaceName).inserted ? $0.interfaceName : nil }
    }
}

/// A link the kernel delivers nothing to, and why (see `HostSnapshot.strandedPort`).
public struct StrandedPort: Equatable, Sendable, CustomStringConvertible {
    /// The link asked about.
    public var link: LinkInfo
    /// Stacked links from `link` down to (not including) `port`; empty when `link` is the port.
    public var chain: [LinkInfo]
    /// The enslaved link.
    public var port: LinkInfo
    public var masterIndex: Int32
    public var master: LinkInfo?

    /// "eno1 is a port of openvswitch master ovs-system", or for a VLAN left on an OVS port:
    /// "eno1.884 is a vlan on eno1, a port of openvswitch master ovs-system".
    public var description: String {
        let masterText: String
        switch (master, master?.kind) {
        case (let master?, let kind?) where !kind.isEmpty: masterText = "\(kind) master \(master.name)"
        case (let master?, _): masterText = "master \(master.name)"
        case (nil, _): masterText = "master #\(masterIndex)"
        }
        guard let top = chain.first else { return "\(port.name) is a port of \(masterText)" }
        return "\(top.name) is a \(top.kind ?? "link") on \(port.name), a port of \(masterText)"
    }
}
