import HostModel
import BasicTypes
import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// Reads links and addresses over an already connected NETLINK_ROUTE socket.
/// Not thread-safe on its own: NetlinkRoute serialises access.
struct SnapshotReader {
    let socket: OpaquePointer

    func read() throws -> HostSnapshot {
        let links = try readLinks()
        var names: [Int32: String] = [:]
        for link in links { names[link.index] = link.name }
        let addresses = try withAddressCache { cache in
            var result: [InterfaceAddress] = []
            forEachObject(in: cache) { object in
                if let address = Self.interfaceAddress(object, names: names) { result.append(address) }
            }
            return result
        }
        return HostSnapshot(links: links, addresses: addresses, defaultRoutes: try readDefaultRoutes(names: names))
    }

    /// The next hops of the main table's default routes (IPv4 and IPv6).
    func readDefaultRoutes(names: [Int32: String]) throws -> [DefaultRoute] {
        var cache: OpaquePointer?
        let rc = rtnl_route_alloc_cache(socket, AF_UNSPEC, 0, &cache)
        guard rc >= 0, let cache else {
            throw HostError(operation: "reading routes", libraryError: libnlText(rc), code: rc)
        }
        defer { nl_cache_free(cache) }
        var routes: [DefaultRoute] = []
        forEachObject(in: cache) { route in
            guard rtnl_route_get_table(route) == UInt32(RT_TABLE_MAIN.rawValue),
                  rtnl_route_get_type(route) == UInt8(RTN_UNICAST),
                  let dst = rtnl_route_get_dst(route), nl_addr_get_prefixlen(dst) == 0 else { return }
            for n in 0..<max(0, rtnl_route_get_nnexthops(route)) {
                guard let hop = rtnl_route_nexthop_n(route, n) else { continue }
                let index = Int32(rtnl_route_nh_get_ifindex(hop))
                guard index > 0 else { continue }
                routes.append(DefaultRoute(interfaceIndex: index, interfaceName: names[index] ?? "#\(index)",
                                           gateway: IPAddress(bytes: bytesOf(rtnl_route_nh_get_gateway(hop)))))
            }
        }
        return routes
    }

    func readLinks() throws -> [LinkInfo] {
        var cache: OpaquePointer?
        let rc = rtnl_link_alloc_cache(socket, AF_UNSPEC, &cache)
        guard rc >= 0, let cache else {
            throw HostError(operation: "reading links", libraryError: libnlText(rc), code: rc)
        }
        defer { nl_cache_free(cache) }
        var links: [LinkInfo] = []
        forEachObject(in: cache) { links.append(Self.linkInfo($0)) }
        return links.sorted { $0.index < $1.index }
    }

    /// Runs `body` with a fresh cache of every address of every family.
    func withAddressCache<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var cache: OpaquePointer?
        let rc = rtnl_addr_alloc_cache(socket, &cache)
        guard rc >= 0, let cache else {
            throw HostError(operation: "reading addresses", libraryError: libnlText(rc), code: rc)
        }
        defer { nl_cache_free(cache) }
        return try body(cache)
    }

    static func linkInfo(_ link: OpaquePointer) -> LinkInfo {
        let flags = UInt32(rtnl_link_get_flags(link))
        let master = rtnl_link_get_master(link)
        let kind = rtnl_link_get_type(link).map { String(cString: $0) }
        return LinkInfo(
            index: Int32(rtnl_link_get_ifindex(link)),
            name: rtnl_link_get_name(link).map { String(cString: $0) } ?? "",
            kind: (kind?.isEmpty ?? true) ? nil : kind,
            masterIndex: master > 0 ? Int32(master) : nil,
            isUp: flags & LinkFlags.up != 0,
            hasCarrier: flags & LinkFlags.lowerUp != 0 || rtnl_link_get_operstate(link) == LinkFlags.operUp,
            mac: bytesOf(rtnl_link_get_addr(link)),
            lowerIndex: rtnl_link_get_link(link) > 0 ? Int32(rtnl_link_get_link(link)) : nil)
    }

    static func interfaceAddress(_ object: OpaquePointer, names: [Int32: String]) -> InterfaceAddress? {
        let family = rtnl_addr_get_family(object)
        guard family == AF_INET || family == AF_INET6,
              let address = IPAddress(bytes: bytesOf(rtnl_addr_get_local(object))) else { return nil }
        let index = Int32(rtnl_addr_get_ifindex(object))
        let prefix = rtnl_addr_get_prefixlen(object)
        return InterfaceAddress(interfaceIndex: index, interfaceName: names[index] ?? "#\(index)",
                                address: address,
                                prefixLength: UInt8(clamping: prefix))
    }
}
