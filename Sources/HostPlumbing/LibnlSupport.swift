import BasicTypes
import CNetlink

/// The text libnl gives for one of its (negative) error codes.
func libnlText(_ code: Int32) -> String {
    guard let text = nl_geterror(code) else { return "libnl error \(code)" }
    return String(cString: text)
}

/// Iterates the objects of a libnl cache.
func forEachObject(in cache: OpaquePointer, _ body: (OpaquePointer) throws -> Void) rethrows {
    var object = nl_cache_get_first(cache)
    while let current = object {
        try body(current)
        object = nl_cache_get_next(current)
    }
}

/// A libnl nl_addr built from a IPAddress; released with `nl_addr_put`.
func buildNlAddr(_ address: IPAddress, prefixLength: UInt8) -> OpaquePointer? {
    let nlAddr = address.bytes.withUnsafeBytes { raw in
        nl_addr_build(address.family, raw.baseAddress, raw.count)
    }
    if let nlAddr { nl_addr_set_prefixlen(nlAddr, Int32(prefixLength)) }
    return nlAddr
}

/// The bytes of a libnl nl_addr (empty for nil).
func bytesOf(_ nlAddr: OpaquePointer?) -> [UInt8] {
    guard let nlAddr, let raw = nl_addr_get_binary_addr(nlAddr) else { return [] }
    let count = Int(nl_addr_get_len(nlAddr))
    return Array(UnsafeRawBufferPointer(start: raw, count: count))
}

/// Kernel interface flags and operstate values (linux/if.h), spelled out once.
enum LinkFlags {
    static let up: UInt32 = 0x1            // IFF_UP
    static let lowerUp: UInt32 = 0x1_0000  // IFF_LOWER_UP
    static let operUp: UInt8 = 6           // IF_OPER_UP
}

/// Address flags (linux/if_addr.h).
enum AddressFlags {
    static let noDAD: UInt32 = 0x02            // IFA_F_NODAD
    static let noPrefixRoute: UInt32 = 0x200   // IFA_F_NOPREFIXROUTE
}
