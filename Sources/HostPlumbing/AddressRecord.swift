import BasicTypes

/// One address as a raw RTM_GETADDR dump reports it, including what libnl 3.7 does not parse:
/// the address protocol (IFA_PROTO, kernels ≥ 5.18) and the IPv4 label (IFA_LABEL).
public struct AddressRecord: Equatable, Sendable, CustomStringConvertible {
    public var interfaceIndex: Int32
    public var address: IPAddress
    public var prefixLength: UInt8
    /// IFA_FLAGS when present (it carries the flags above bit 7), else ifa_flags.
    public var flags: UInt32
    /// IFA_LABEL (IPv4 only).
    public var label: String?
    /// IFA_PROTO; nil when the kernel did not report one (older kernels, or protocol 0).
    public var proto: UInt8?

    public init(interfaceIndex: Int32, address: IPAddress, prefixLength: UInt8, flags: UInt32 = 0,
                label: String? = nil, proto: UInt8? = nil) {
        self.interfaceIndex = interfaceIndex
        self.address = address
        self.prefixLength = prefixLength
        self.flags = flags
        self.label = label
        self.proto = proto
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
