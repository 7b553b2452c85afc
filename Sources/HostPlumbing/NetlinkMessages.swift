/// Pure scanning of a buffer of netlink messages received from the route multicast groups.
enum NetlinkMessages {
    static let newLink: UInt16 = 16     // RTM_NEWLINK
    static let delLink: UInt16 = 17     // RTM_DELLINK
    static let newAddress: UInt16 = 20  // RTM_NEWADDR
    static let delAddress: UInt16 = 21  // RTM_DELADDR
    static let headerSize = 16          // struct nlmsghdr

    /// True when the buffer holds a link or address event. A malformed buffer counts as an event:
    /// the caller will re-read the host, which is always safe.
    static func containsLinkOrAddressEvent(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while buffer.count - offset >= headerSize {
            let length = Int(loadUInt32(buffer, at: offset))
            let type = loadUInt16(buffer, at: offset + 4)
            if [newLink, delLink, newAddress, delAddress].contains(type) { return true }
            guard length >= headerSize, length <= buffer.count - offset else { return true }
            offset += (length + 3) & ~3  // NLMSG_ALIGN
        }
        return offset != buffer.count
    }

    private static func loadUInt32(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 4])) }
        return value  // host order, as the kernel writes it
    }

    private static func loadUInt16(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        var value: UInt16 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 2])) }
        return value
    }
}
