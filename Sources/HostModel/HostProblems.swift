import BasicTypes

/// Something wrong with the host's network that the agent does not cause but that breaks the
/// VIP or the node: reported in `vipctl status`, as a metric and in the log. Pure value.
public struct HostProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// The same address on a usable interface and on an enslaved port (or a VLAN on one):
        /// the copy on the port receives nothing, yet the kernel may pick it for routes and as
        /// a source (Kube-OVN's "known issue" after it moved the address to the bridge).
        case duplicateAddress
        /// A default route leaves by an enslaved port: its replies arrive on the bridge.
        case defaultRouteOnEnslavedPort
        /// The VIP's interface has another MAC than the interface the node address in the VIP's
        /// subnet uses: neighbours learn two MACs for one host, a GARP can point at a dead path.
        case vipMACMismatch
    }

    public var kind: Kind
    public var detail: String
    /// For `duplicateAddress`: the stale copy (on the enslaved port), which a repair removes.
    public var staleCopy: InterfaceAddress?

    public init(kind: Kind, detail: String, staleCopy: InterfaceAddress? = nil) {
        self.kind = kind
        self.detail = detail
        self.staleCopy = staleCopy
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}

/// Where one VIP is (or would be) placed, as the problem finder needs it.
public struct VIPPlacement: Sendable, Equatable {
    public var name: String
    public var vip: IPAddress
    public var prefixLength: UInt8
    /// The effective interface; nil when the VIP has none.
    public var interface: String?

    public init(name: String, vip: IPAddress, prefixLength: UInt8, interface: String?) {
        self.name = name
        self.vip = vip
        self.prefixLength = prefixLength
        self.interface = interface
    }
}

/// Finds host problems in one snapshot. Pure: the same snapshot gives the same list, in order.
public enum HostProblemFinder {
    public static func find(in snapshot: HostSnapshot, vips: [VIPPlacement] = []) -> [HostProblem] {
        duplicates(snapshot, vips: vips) + routes(snapshot) + macMismatches(snapshot, vips: vips)
    }

    /// Link-local and loopback addresses repeat on many interfaces by design.
    static func isNodeAddress(_ a: IPAddress) -> Bool {
        let b = a.bytes
        if a.isIPv4 { return b[0] != 127 && !(b[0] == 169 && b[1] == 254) }
        let loopback = b.dropLast().allSatisfy { $0 == 0 } && b[15] == 1
        return !(b[0] == 0xfe && b[1] & 0xc0 == 0x80) && !loopback
    }

    static func duplicates(_ snapshot: HostSnapshot, vips: [VIPPlacement]) -> [HostProblem] {
        let vipAddresses = Set(vips.map(\.vip))
        var problems: [HostProblem] = []
        var seen = Set<IPAddress>()
        for address in snapshot.addresses where isNodeAddress(address.address) && !vipAddresses.contains(address.address) {
            guard seen.insert(address.address).inserted else { continue }
            let copies = snapshot.addresses.filter { $0.address == address.address }
            let stranded = copies.compactMap { copy in
                snapshot.link(index: copy.interfaceIndex).flatMap(snapshot.strandedPort).map { (copy, $0) }
            }
            let usable = copies.filter { copy in !stranded.contains { $0.0.interfaceIndex == copy.interfaceIndex } }
            guard let live = usable.first else { continue }
            for (copy, why) in stranded where copy.interfaceIndex != live.interfaceIndex {
                problems.append(HostProblem(
                    kind: .duplicateAddress,
                    detail: "\(copy.address)/\(copy.prefixLength) is on \(copy.interfaceName) and on \(live.interfaceName): "
                        + "\(why); the copy on \(copy.interfaceName) receives nothing",
                    staleCopy: copy))
            }
        }
        return problems
    }

    static func routes(_ snapshot: HostSnapshot) -> [HostProblem] {
        snapshot.defaultRoutes.compactMap { route in
            guard let link = snapshot.link(index: route.interfaceIndex),
                  let why = snapshot.strandedPort(link) else { return nil }
            var detail = "\(route) leaves by an enslaved port: \(why)"
            if let gateway = route.gateway, let live = usableHolder(of: gateway, in: snapshot) {
                detail += "; replies arrive on \(live.interfaceName) (ip route replace default via \(gateway) dev \(live.interfaceName))"
            }
            return HostProblem(kind: .defaultRouteOnEnslavedPort, detail: detail)
        }
    }

    static func macMismatches(_ snapshot: HostSnapshot, vips: [VIPPlacement]) -> [HostProblem] {
        vips.compactMap { vip in
            guard let name = vip.interface, let link = snapshot.link(named: name), !link.mac.isEmpty else { return nil }
            let holders = HolderSearch(vip: vip.vip, prefixLength: vip.prefixLength, snapshot: snapshot)
            guard let holder = holders.best, holder.interfaceName != name,
                  let holderLink = snapshot.link(index: holder.interfaceIndex),
                  !holderLink.mac.isEmpty, holderLink.mac != link.mac else { return nil }
            return HostProblem(
                kind: .vipMACMismatch,
                detail: "\(vip.name): \(vip.vip) is on \(name) (\(link.macText)) but the node address "
                    + "\(holder.address)/\(holder.prefixLength) is on \(holder.interfaceName) (\(holderLink.macText)): "
                    + "neighbours learn two MACs for this node and a GARP from \(name) may point at a path that does not deliver")
        }
    }

    /// The first usable interface holding an address whose subnet contains `a`.
    static func usableHolder(of a: IPAddress, in snapshot: HostSnapshot) -> InterfaceAddress? {
        snapshot.addresses.first { candidate in
            candidate.address.isIPv4 == a.isIPv4
                && candidate.address.subnetContains(a, prefixLength: candidate.prefixLength)
                && snapshot.link(index: candidate.interfaceIndex).map { snapshot.strandedPort($0) == nil } == true
        }
    }
}
