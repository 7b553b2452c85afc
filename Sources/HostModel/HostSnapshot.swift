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

    public init(index: Int32, name: String, kind: String? = nil, masterIndex: Int32? = nil,
                isUp: Bool = true, hasCarrier: Bool = true, mac: [UInt8] = []) {
        self.index = index
        self.name = name
        self.kind = kind
        self.masterIndex = masterIndex
        self.isUp = isUp
        self.hasCarrier = hasCarrier
        self.mac = mac
    }

    /// True when this link is a port of some master (bridge, OVS, bond).
    public var isEnslaved: Bool { masterIndex != nil }
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

/// Every link and every IPv4/IPv6 address of one network namespace, at one instant.
public struct HostSnapshot: Equatable, Sendable {
    public var links: [LinkInfo]
    public var addresses: [InterfaceAddress]

    public init(links: [LinkInfo] = [], addresses: [InterfaceAddress] = []) {
        self.links = links
        self.addresses = addresses
    }

    public func link(named name: String) -> LinkInfo? {
        links.first { $0.name == name }
    }

    public func link(index: Int32) -> LinkInfo? {
        links.first { $0.index == index }
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
