import HostModel
import BasicTypes
import CNetlink
import Foundation

/// One libnl NETLINK_ROUTE socket for requests: read the host, add and remove host addresses.
///
/// The socket belongs to the network namespace of the thread that creates this object.
/// Calls are serialised with a lock; the object may be shared between threads.
// @unchecked Sendable: the libnl socket (a C pointer) is used only inside `locked`.
public final class NetlinkRoute: @unchecked Sendable {
    private let socket: OpaquePointer
    private let lock = NSLock()

    public init() throws {
        guard let socket = nl_socket_alloc() else {
            throw HostError(operation: "opening netlink route socket", libraryError: "nl_socket_alloc failed")
        }
        let rc = nl_connect(socket, NETLINK_ROUTE)
        guard rc >= 0 else {
            nl_socket_free(socket)
            throw HostError(operation: "connecting netlink route socket", libraryError: libnlText(rc), code: rc)
        }
        self.socket = socket
    }

    deinit {
        nl_socket_free(socket)
    }

    /// All links and all IPv4/IPv6 addresses.
    public func snapshot() throws -> HostSnapshot {
        try locked { try SnapshotReader(socket: socket).read() }
    }

    /// Adds `a`/32 (or /128) to `interface` with IFA_F_NOPREFIXROUTE (and IFA_F_NODAD for IPv6),
    /// marked as the agent's (`AddressMark`). Idempotent: an existing identical address is success.
    public func addHostAddress(_ a: IPAddress, interface: String) throws {
        let label = "\(a)/\(a.bitWidth)"
        try locked {
            let index = try interfaceIndex(interface, operation: "adding", address: label)
            var flags = AddressFlags.noPrefixRoute
            if !a.isIPv4 { flags |= AddressFlags.noDAD }
            let rc = try withAddressObject(a, prefixLength: a.bitWidth, interfaceIndex: index, flags: flags,
                                           operation: "adding", interface: interface) { object in
                if !a.isIPv4 {
                    // Deprecated (preferred_lft 0, valid forever): an IPv6 /128 outranks the node's
                    // /64 in source selection (longest match, capped at the prefix length), and
                    // adverts sent from the VIP would be refused by the peers. A deprecated address
                    // still receives and answers; it is just never picked as a source.
                    rtnl_addr_set_preferred_lifetime(object, 0)
                    rtnl_addr_set_valid_lifetime(object, 0xFFFF_FFFF)
                } else if let label = AddressMark.label(for: interface) {
                    _ = rtnl_addr_set_label(object, label)
                }
                return addMarked(object)
            }
            if rc < 0 && rc != -NLE_EXIST {
                throw HostError(operation: "adding", interface: interface, address: label,
                                libraryError: libnlText(rc), code: rc)
            }
        }
    }

    /// Removes `a`/32 (or /128) from `interface`. Idempotent: an absent address, or an absent
    /// interface (which cannot hold it), is success.
    public func removeHostAddress(_ a: IPAddress, interface: String) throws {
        try removeAddress(a, prefixLength: a.bitWidth, interface: interface)
    }

    /// Removes `a`/`prefixLength` from `interface` (e.g. a stale copy of the node address).
    /// Idempotent like `removeHostAddress`.
    public func removeAddress(_ a: IPAddress, prefixLength: UInt8, interface: String) throws {
        let label = "\(a)/\(prefixLength)"
        try locked {
            let index: Int32
            do {
                index = try interfaceIndex(interface, operation: "removing", address: label)
            } catch let error as HostError where Self.isMissingInterface(error.code) {
                return
            }
            let rc = try withAddressObject(a, prefixLength: prefixLength, interfaceIndex: index, flags: 0,
                                           operation: "removing", interface: interface) { object in
                rtnl_addr_delete(socket, object, 0)
            }
            if rc < 0 && !Self.isAbsentAddress(rc) {
                throw HostError(operation: "removing", interface: interface, address: label,
                                libraryError: libnlText(rc), code: rc)
            }
        }
    }

    /// Removes every copy of `a` (any prefix length) from every interface.
    /// Returns the names of the interfaces it was removed from. Tries every copy before throwing
    /// the first failure.
    @discardableResult
    public func removeAddressEverywhere(_ a: IPAddress) throws -> [String] {
        try locked {
            let reader = SnapshotReader(socket: socket)
            var names: [Int32: String] = [:]
            for link in try reader.readLinks() { names[link.index] = link.name }
            return try reader.withAddressCache { cache in
                var touched: [String] = []
                var firstError: HostError?
                forEachObject(in: cache) { object in
                    guard let found = SnapshotReader.interfaceAddress(object, names: names), found.address == a else { return }
                    let rc = rtnl_addr_delete(socket, object, 0)
                    if rc >= 0 {
                        if !touched.contains(found.interfaceName) { touched.append(found.interfaceName) }
                    } else if !Self.isAbsentAddress(rc), firstError == nil {
                        firstError = HostError(operation: "removing", interface: found.interfaceName,
                                               address: "\(a)/\(found.prefixLength)",
                                               libraryError: libnlText(rc), code: rc)
                    }
                }
                if let firstError { throw firstError }
                return touched
            }
        }
    }

    /// Every address with the attributes libnl does not parse (IFA_PROTO, IFA_LABEL).
    public func addressRecords() throws -> [AddressRecord] {
        try locked { try AddressDump.read(fd: nl_socket_get_fd(socket)) }
    }

    /// Interface names by index.
    public func interfaceNames() throws -> [Int32: String] {
        try locked {
            var names: [Int32: String] = [:]
            for link in try SnapshotReader(socket: socket).readLinks() { names[link.index] = link.name }
            return names
        }
    }

    /// Removes the copies of `vips` the agent added (`AddressMark`), on every interface, and
    /// returns them; never an address the host holds for itself. Tries every copy before
    /// throwing the first failure.
    @discardableResult
    public func removeAgentCopies(of vips: [IPAddress]) throws -> [InterfaceAddress] {
        let names = try interfaceNames()
        let copies = VIPHolders.agentCopies(of: vips, in: try addressRecords(), names: names)
        return try locked {
            var removed: [InterfaceAddress] = []
            var firstError: HostError?
            for copy in copies {
                let name = names[copy.interfaceIndex] ?? "index \(copy.interfaceIndex)"
                do {
                    let rc = try withAddressObject(copy.address, prefixLength: copy.prefixLength,
                                                   interfaceIndex: copy.interfaceIndex, flags: 0,
                                                   operation: "removing", interface: name) { object in
                        rtnl_addr_delete(socket, object, 0)
                    }
                    if rc >= 0 || Self.isAbsentAddress(rc) {
                        if rc >= 0 {
                            removed.append(InterfaceAddress(interfaceIndex: copy.interfaceIndex, interfaceName: name,
                                                            address: copy.address, prefixLength: copy.prefixLength))
                        }
                    } else if firstError == nil {
                        firstError = HostError(operation: "removing", interface: name, address: copy.description,
                                               libraryError: libnlText(rc), code: rc)
                    }
                } catch let error as HostError {
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return removed
        }
    }

    // MARK: - helpers (call with the lock held)

    /// rtnl_addr_add with IFA_PROTO added to the request (libnl 3.7 has no setter for it).
    /// Kernels before 5.18 ignore the unknown attribute.
    private func addMarked(_ object: OpaquePointer) -> Int32 {
        var message: OpaquePointer?
        let rc = rtnl_addr_build_add_request(object, NLM_F_EXCL, &message)
        guard rc >= 0, let message else { return rc < 0 ? rc : -NLE_NOMEM }
        let put = nla_put_u8(message, Int32(IFA_PROTO), AddressMark.proto)
        guard put >= 0 else {
            nlmsg_free(message)
            return put
        }
        return nl_send_sync(socket, message)  // frees the message
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The kernel index of `name`, asked over this socket (so in this socket's namespace).
    private func interfaceIndex(_ name: String, operation: String, address: String) throws -> Int32 {
        guard !name.isEmpty, name.utf8.count < 16, !name.contains("/"), !name.contains(" ") else {
            throw HostError(operation: operation, interface: "\"\(name)\"", address: address,
                            libraryError: "invalid interface name", code: -NLE_INVAL,
                            hint: "Linux names are 1 to 15 characters without '/' or spaces")
        }
        var link: OpaquePointer?
        let rc = rtnl_link_get_kernel(socket, 0, name, &link)
        guard rc >= 0, let link else {
            throw HostError(operation: operation, interface: name, address: address,
                            libraryError: libnlText(rc), code: rc,
                            hint: Self.isMissingInterface(rc) ? "interface \(name) does not exist" : nil)
        }
        defer { rtnl_link_put(link) }
        return Int32(rtnl_link_get_ifindex(link))
    }

    /// Builds an rtnl_addr for `a`/prefix on the interface and hands it to `body`.
    private func withAddressObject(_ a: IPAddress, prefixLength: UInt8, interfaceIndex: Int32, flags: UInt32,
                                   operation: String, interface: String,
                                   _ body: (OpaquePointer) -> Int32) throws -> Int32 {
        let label = "\(a)/\(prefixLength)"
        guard let object = rtnl_addr_alloc() else {
            throw HostError(operation: operation, interface: interface, address: label,
                            libraryError: "rtnl_addr_alloc failed")
        }
        defer { rtnl_addr_put(object) }
        guard let local = buildNlAddr(a, prefixLength: prefixLength) else {
            throw HostError(operation: operation, interface: interface, address: label,
                            libraryError: "nl_addr_build failed")
        }
        defer { nl_addr_put(local) }
        rtnl_addr_set_ifindex(object, interfaceIndex)
        rtnl_addr_set_family(object, a.family)
        let rc = rtnl_addr_set_local(object, local)
        guard rc >= 0 else {
            throw HostError(operation: operation, interface: interface, address: label,
                            libraryError: libnlText(rc), code: rc)
        }
        rtnl_addr_set_prefixlen(object, Int32(prefixLength))
        if flags != 0 { rtnl_addr_set_flags(object, flags) }
        return body(object)
    }

    static func isMissingInterface(_ code: Int32) -> Bool {
        code == -NLE_NODEV || code == -NLE_OBJ_NOTFOUND
    }

    static func isAbsentAddress(_ code: Int32) -> Bool {
        code == -NLE_NOADDR || code == -NLE_OBJ_NOTFOUND
    }
}
