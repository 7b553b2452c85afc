import CLibnet

/// A libnet context injecting whole Ethernet frames (LIBNET_LINK_ADV) on one interface.
/// Not thread-safe: its owners serialise access.
final class LibnetLink {
    static let broadcastMAC: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]

    let interface: String
    private var context: UnsafeMutablePointer<libnet_t>?

    init(interface: String) throws {
        guard isValidInterfaceName(interface) else {
            throw AnnounceError(operation: "opening link-layer injection", interface: "\"\(interface)\"",
                                libraryError: "invalid interface name (Linux allows 1 to 15 characters)")
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(LIBNET_ERRBUF_SIZE) + 1)
        guard let context = libnet_init(LIBNET_LINK_ADV, interface, &errorBuffer) else {
            throw AnnounceError(operation: "opening link-layer injection (libnet_init)", interface: interface,
                                libraryError: Self.trimmed(String(cString: errorBuffer)))
        }
        self.interface = interface
        self.context = context
        _ = try currentMAC()  // fail at opening when the interface has no MAC
    }

    /// The interface's MAC now (not libnet's: it caches nothing, but its answer lives in a static
    /// buffer shared by every thread). Read before every frame, so a changed MAC is used at once.
    /// `operation` and `address` name what the MAC is read for in the error.
    func currentMAC(for operation: String = "reading the MAC address", address: String? = nil) throws -> [UInt8] {
        guard let context else {
            throw AnnounceError(operation: operation, interface: interface, address: address, libraryError: "closed")
        }
        do {
            return try HardwareAddress.current(of: interface, through: libnet_getfd(context))
        } catch let error as AnnounceError {
            let what = operation == "reading the MAC address" ? operation : operation + " (reading the MAC address)"
            throw AnnounceError(operation: what, interface: interface,
                                address: address, libraryError: error.libraryError)
        }
    }

    deinit { close() }

    func close() {
        if let context { libnet_destroy(context) }
        context = nil
    }

    /// The interface's first IPv4 address as libnet sees it, or nil if it has none.
    func firstIPv4Address() -> [UInt8]? {
        guard let context else { return nil }
        let raw = libnet_get_ipaddr4(context)  // network order; -1 on error
        guard raw != UInt32.max, raw != 0 else { return nil }
        return withUnsafeBytes(of: raw) { Array($0) }
    }

    /// Builds the packet with `build` (innermost header first) and writes it. Throws with the
    /// libnet error text, naming `operation` and `address`.
    func send(operation: String, address: String, _ build: (UnsafeMutablePointer<libnet_t>) -> Bool) throws {
        guard let context else {
            throw AnnounceError(operation: operation, interface: interface, address: address,
                                libraryError: "closed")
        }
        libnet_clear_packet(context)
        defer { libnet_clear_packet(context) }
        guard build(context) else {
            throw AnnounceError(operation: operation + " (building the frame)", interface: interface,
                                address: address, libraryError: errorText(context))
        }
        guard libnet_write(context) >= 0 else {
            throw AnnounceError(operation: operation, interface: interface, address: address,
                                libraryError: errorText(context))
        }
    }

    /// Builds an Ethernet + ARP frame.
    static func buildARP(_ l: UnsafeMutablePointer<libnet_t>, destination: [UInt8], operation: UInt16,
                         senderMAC: [UInt8], senderIP: [UInt8], targetMAC: [UInt8], targetIP: [UInt8]) -> Bool {
        let arp = libnet_build_arp(UInt16(ARPHRD_ETHER), UInt16(ETHERTYPE_IP), 6, 4, operation,
                                   senderMAC, senderIP, targetMAC, targetIP, nil, 0, l, 0)
        guard arp != -1 else { return false }
        return libnet_build_ethernet(destination, senderMAC, UInt16(ETHERTYPE_ARP), nil, 0, l, 0) != -1
    }

    private func errorText(_ context: UnsafeMutablePointer<libnet_t>) -> String {
        guard let text = libnet_geterror(context) else { return "unknown libnet error" }
        let message = Self.trimmed(String(cString: text))
        return message.isEmpty ? "unknown libnet error" : message
    }

    private static func trimmed(_ text: String) -> String {
        String(text.reversed().drop { $0 == "\n" || $0 == " " }.reversed())
    }
}
