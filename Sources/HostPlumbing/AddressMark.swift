import BasicTypes

/// How the agent marks the VIP copies it adds, so that a later run (or `vip-agent cleanup`)
/// removes exactly those after a crash, and never an address the host holds for itself.
///
/// - IFA_PROTO (kernels ≥ 5.18): every copy carries protocol `proto`. Older kernels ignore the
///   attribute.
/// - IPv4 also gets the label `<interface>:vip` when that fits the 15 characters Linux allows
///   (a label must start with the interface name); `ip -4 addr` shows it.
/// - Without either (an older kernel, a long interface name, or a copy left by an agent version
///   that did not mark), a copy is recognised by its shape: the VIP with the full host prefix
///   (/32 or /128) and IFA_F_NOPREFIXROUTE, exactly as the agent adds it. A node's own address
///   carries its subnet prefix and is never taken for a copy.
public enum AddressMark {
    /// The IFA_PROTO value of the agent's addresses ('v'). 0–3 are the kernel's own.
    public static let proto: UInt8 = 0x76
    public static let labelSuffix = ":vip"

    /// The IPv4 label for a copy on `interface`, nil when it would not fit.
    public static func label(for interface: String) -> String? {
        let label = interface + labelSuffix
        return label.utf8.count <= 15 ? label : nil
    }

    /// Whether `record` (on the interface named `interfaceName`) is a VIP copy the agent added.
    public static func isAgentCopy(_ record: AddressRecord, interfaceName: String?) -> Bool {
        guard record.prefixLength == record.address.bitWidth else { return false }
        if record.proto == proto { return true }
        if record.address.isIPv4, let interfaceName, let label = label(for: interfaceName), record.label == label {
            return true
        }
        // Another program's protocol value means another program's address.
        return record.proto == nil && record.flags & AddressFlags.noPrefixRoute != 0
    }
}

/// Who holds each configured VIP on this host. Pure.
public enum VIPHolders {
    /// The copies of `vips` the agent added (to be removed by a starting agent or `cleanup`).
    public static func agentCopies(of vips: [IPAddress], in records: [AddressRecord],
                                   names: [Int32: String]) -> [AddressRecord] {
        records.filter { vips.contains($0.address) && AddressMark.isAgentCopy($0, interfaceName: names[$0.interfaceIndex]) }
    }

    /// Addresses equal to one of `vips` that the host holds for itself (its own prefix, or a
    /// full-length address the agent did not add): a VIP must not be one of them.
    public static func heldByHost(_ vips: [IPAddress], in records: [AddressRecord],
                                  names: [Int32: String]) -> [AddressRecord] {
        records.filter { vips.contains($0.address) && !AddressMark.isAgentCopy($0, interfaceName: names[$0.interfaceIndex]) }
    }
}
