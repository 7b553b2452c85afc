import CLibnet

/// Builds an unsolicited IPv6 neighbour advertisement (RFC 4861 §7.2.6) with libnet.
enum NeighborAdvertisement {
    static let allNodes: [UInt8] = [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
    static let allNodesMAC: [UInt8] = [0x33, 0x33, 0, 0, 0, 0x01]
    static let icmpv6: UInt8 = 58
    static let ethertypeIPv6: UInt16 = 0x86DD
    static let hopLimit: UInt8 = 255               // receivers drop NDP with any other hop limit
    static let overrideFlag: UInt32 = 0x2000_0000  // ND_NA_FLAG_OVERRIDE, host order
    static let targetLinkLayerOption: UInt8 = 2    // ND_OPT_TARGET_LINKADDR
    /// ICMPv6 NA header (24) + target link-layer option (8).
    static let payloadLength: UInt16 = 32

    /// Source = the announced address itself, destination = ff02::1, flags = override (not
    /// solicited, not router), option = target link-layer address. Innermost header first.
    static func build(_ l: UnsafeMutablePointer<libnet_t>, target: [UInt8], mac: [UInt8]) -> Bool {
        var option = mac
        let optionTag = option.withUnsafeMutableBufferPointer {
            libnet_build_icmpv6_ndp_opt(targetLinkLayerOption, $0.baseAddress, UInt32($0.count), l, 0)
        }
        guard optionTag != -1 else { return false }
        let targetAddress = target.withUnsafeBufferPointer { vip_libnet_in6($0.baseAddress) }
        let destination = allNodes.withUnsafeBufferPointer { vip_libnet_in6($0.baseAddress) }
        guard libnet_build_icmpv6_ndp_nadv(UInt8(ND_NEIGHBOR_ADVERT), 0, 0, overrideFlag, targetAddress,
                                           nil, 0, l, 0) != -1 else { return false }
        guard libnet_build_ipv6(0, 0, payloadLength, icmpv6, hopLimit, targetAddress, destination,
                                nil, 0, l, 0) != -1 else { return false }
        return libnet_build_ethernet(allNodesMAC, mac, ethertypeIPv6, nil, 0, l, 0) != -1
    }
}
