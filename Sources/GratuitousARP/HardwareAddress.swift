import CLibnet
import Foundation

/// The interface's MAC address as the kernel has it now (SIOCGIFHWADDR), read at every use: a
/// bond that fails over with `fail_over_mac=active`, an OVS bridge that takes its port's MAC, or
/// an operator's `ip link set dev X address …` changes it under a long-lived announcer.
enum HardwareAddress {
    /// Asked through `socket`, so the answer comes from the namespace that socket lives in (the
    /// announcer's, whichever thread asks).
    static func current(of interface: String, through socket: Int32) throws -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 6)
        let rc = mac.withUnsafeMutableBufferPointer { vip_read_hwaddr(socket, interface, $0.baseAddress) }
        guard rc == 0 else {
            throw AnnounceError(operation: "reading the MAC address", interface: interface,
                                libraryError: String(cString: strerror(errno)))
        }
        return mac
    }
}
