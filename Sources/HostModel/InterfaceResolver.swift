import BasicTypes

/// Decides which interface should carry a VIP, from a snapshot of the host. Pure: no netlink.
///
/// The problem it solves: when Kube-OVN takes the configured NIC (or VLAN interface) into an OVS
/// bridge, it moves the node's address onto the bridge (`br-ext-cloud`) and the kernel stops
/// delivering frames to addresses on the enslaved port. The VIP must follow the node address.
public enum InterfaceResolver {
    public struct Resolution: Equatable, Sendable {
        /// The interface to put the VIP on; nil when there is none (see `fault`).
        public var interface: String?
        /// Nil when the effective interface is the configured one; otherwise why it differs.
        public var reason: String?
        /// Set when no usable interface exists.
        public var fault: String?

        public init(interface: String?, reason: String? = nil, fault: String? = nil) {
            self.interface = interface
            self.reason = reason
            self.fault = fault
        }
    }

    /// The configuration value that asks for automatic selection.
    public static let auto = "auto"

    public static func resolve(configured: String, vip: IPAddress, prefixLength: UInt8,
                               snapshot: HostSnapshot) -> Resolution {
        let subnet = "\(vip.masked(to: prefixLength))/\(min(prefixLength, vip.bitWidth))"
        let holders = HolderSearch(vip: vip, prefixLength: prefixLength, snapshot: snapshot)

        if configured == auto {
            guard let holder = holders.best else {
                return Resolution(interface: nil, fault: holders.noneFault(subnet: subnet))
            }
            return Resolution(interface: holder.interfaceName,
                              reason: "auto: node address \(holder.address)/\(holder.prefixLength) is on \(holder.interfaceName)")
        }

        guard let link = snapshot.link(named: configured) else {
            guard let holder = holders.best else {
                return Resolution(interface: nil, fault: "interface \(configured) does not exist")
            }
            return Resolution(interface: holder.interfaceName,
                              reason: "\(configured) does not exist; \(nodeAddress(holder))")
        }

        guard let stranded = snapshot.strandedPort(link) else {
            return Resolution(interface: configured)
        }

        let portOf = stranded.description
        if let holder = holders.best {
            return Resolution(interface: holder.interfaceName, reason: "\(portOf); \(nodeAddress(holder))")
        }
        if stranded.chain.isEmpty, let master = stranded.master, master.kind == "bridge", !master.isEnslaved {
            return Resolution(interface: master.name,
                              reason: "\(portOf) and no interface holds an address in \(subnet); using the bridge")
        }
        return Resolution(interface: nil, fault: "\(portOf) and no interface holds an address in \(subnet)")
    }

    private static func nodeAddress(_ holder: InterfaceAddress) -> String {
        "node address \(holder.address)/\(holder.prefixLength) is on \(holder.interfaceName)"
    }
}

/// Interfaces holding an address in the VIP's subnet (other than the VIP itself), ranked.
struct HolderSearch {
    /// Usable holders (their link is not a port of a master), best first.
    let usable: [InterfaceAddress]
    /// Holders on enslaved links: the kernel does not deliver to them; reported, never chosen.
    let enslaved: [InterfaceAddress]

    init(vip: IPAddress, prefixLength: UInt8, snapshot: HostSnapshot) {
        let inSubnet = snapshot.addresses.filter {
            $0.address != vip && vip.subnetContains($0.address, prefixLength: prefixLength)
        }
        func link(_ a: InterfaceAddress) -> LinkInfo? { snapshot.link(index: a.interfaceIndex) }
        func stranded(_ a: InterfaceAddress) -> Bool { link(a).map { snapshot.strandedPort($0) != nil } ?? false }
        enslaved = inSubnet.filter(stranded)
        usable = inSubnet
            .filter { !stranded($0) }
            .sorted { lhs, rhs in
                let lUp = link(lhs)?.isUp ?? false, rUp = link(rhs)?.isUp ?? false
                if lUp != rUp { return lUp }
                return lhs.interfaceIndex < rhs.interfaceIndex
            }
    }

    var best: InterfaceAddress? { usable.first }

    func noneFault(subnet: String) -> String {
        guard let stranded = enslaved.first else {
            return "no interface holds an address in \(subnet)"
        }
        return "no usable interface holds an address in \(subnet): \(stranded.address)/\(stranded.prefixLength) is on \(stranded.interfaceName), a port of a master"
    }
}
