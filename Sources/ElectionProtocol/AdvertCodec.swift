import Foundation
import Crypto

/// Wire format v2 (all integers big-endian). See docs/protocol.md.
///
/// ```
///  0  magic "VIPA"            4      40  node address            16 (IPv4-mapped for IPv4)
///  4  version (2)             1      56  heard count n            1 (0...64)
///  5  address family (4|6)    1      57  group count m            1 (1...255)
///  6  node name length        1      58  reserved (zero)          2
///  7  chassis name length     1      60  node name, chassis name  (lengths above)
///  8  epoch                   8      ..  heard: n × 18   address 16, age ms 2
/// 16  sequence                8      ..  groups: m × 12  routerId, priority, flags, master index
/// 24  challenge               8                          (255: none), interval ms 2,
/// 32  echo                    8                          master age ms 2, service digest 4
///                                    ..  HMAC-SHA256 over everything before   32
/// ```
public enum AdvertCodec {
    public static let magic: [UInt8] = Array("VIPA".utf8)
    public static let version: UInt8 = 2
    /// The fixed part before the names.
    public static let headerLength = 60
    public static let macLength = 32
    public static let heardEntryLength = 18
    public static let groupEntryLength = 12
    public static let maxNodeNameBytes = 63
    public static let maxHeard = 64
    public static let intervalRange: ClosedRange<UInt16> = 10...10_000
    /// The largest datagram a valid advert can be.
    public static let maxLength = headerLength + 2 * maxNodeNameBytes + maxHeard * heardEntryLength
        + 255 * groupEntryLength + macLength

    public static func encode(_ d: Datagram, key: AuthKey) -> [UInt8] {
        let name = truncatedName(d.nodeName)
        let chassis = truncatedName(d.chassis ?? "")
        let heard = d.heard.prefix(maxHeard)
        var out = [UInt8]()
        out.reserveCapacity(headerLength + name.count + chassis.count + heard.count * heardEntryLength
                            + d.groups.count * groupEntryLength + macLength)
        out += magic
        out.append(version)
        out.append(d.nodeAddress.isIPv4 ? 4 : 6)
        out.append(UInt8(name.count))
        out.append(UInt8(chassis.count))
        append(d.epoch, to: &out)
        append(d.sequence, to: &out)
        append(d.challenge, to: &out)
        append(d.echo, to: &out)
        append(d.nodeAddress, to: &out)
        out.append(UInt8(heard.count))
        out.append(UInt8(clamping: d.groups.count))
        out += [0, 0]
        out += name
        out += chassis
        for h in heard {
            append(h.address, to: &out)
            append16(h.ageMilliseconds, to: &out)
        }
        for g in d.groups.prefix(255) {
            out.append(g.routerId)
            out.append(g.priority)
            out.append(g.flags.rawValue)
            out.append(g.masterIndex ?? 255)
            append16(g.intervalMilliseconds, to: &out)
            append16(g.masterAgeMilliseconds, to: &out)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: g.serviceDigest >> UInt32(shift))) }
        }
        out += key.mac(out)
        return out
    }

    /// Decodes and authenticates one datagram. Never traps, whatever the bytes.
    public static func decode(_ bytes: [UInt8], key: AuthKey) -> Result<Datagram, DropReason> {
        guard bytes.count >= 5 else { return .failure(.truncated) }
        guard bytes[0..<4].elementsEqual(magic) else { return .failure(.badMagic) }
        guard bytes[4] == version else { return .failure(bytes[4] == 1 ? .oldVersion : .badVersion) }
        guard bytes.count >= headerLength + macLength else { return .failure(.truncated) }
        guard bytes.count <= maxLength else { return .failure(.oversized) }
        let nameLength = Int(bytes[6]), chassisLength = Int(bytes[7])
        let heardCount = Int(bytes[56]), groupCount = Int(bytes[57])
        let expected = headerLength + nameLength + chassisLength + heardCount * heardEntryLength
            + groupCount * groupEntryLength + macLength
        guard bytes.count >= expected else { return .failure(.truncated) }
        guard bytes.count == expected else { return .failure(.oversized) }
        let signed = bytes.count - macLength
        guard key.verify(mac: bytes[signed...], over: bytes[0..<signed]) else { return .failure(.authFailure) }
        let family = bytes[5]
        guard family == 4 || family == 6,
              (1...maxNodeNameBytes).contains(nameLength), chassisLength <= maxNodeNameBytes,
              heardCount <= maxHeard, groupCount >= 1,
              bytes[58] == 0, bytes[59] == 0,
              case let address = readAddress(bytes, at: 40), address.isIPv4 == (family == 4),
              let name = text(bytes[60..<(60 + nameLength)]),
              let chassis = text(bytes[(60 + nameLength)..<(60 + nameLength + chassisLength)])
        else { return .failure(.malformed) }
        var offset = 60 + nameLength + chassisLength
        var heard: [Datagram.Heard] = []
        heard.reserveCapacity(heardCount)
        for _ in 0..<heardCount {
            heard.append(Datagram.Heard(address: readAddress(bytes, at: offset), ageMilliseconds: read16(bytes, at: offset + 16)))
            offset += heardEntryLength
        }
        var groups: [Datagram.Group] = []
        groups.reserveCapacity(groupCount)
        var routerIds = Set<UInt8>()
        for _ in 0..<groupCount {
            let routerId = bytes[offset], flags = AdvertFlags(rawValue: bytes[offset + 2])
            let index = bytes[offset + 3], interval = read16(bytes, at: offset + 4)
            guard routerId != 0, routerIds.insert(routerId).inserted,
                  AdvertFlags.all.isSuperset(of: flags),
                  index == 255 || Int(index) < heardCount,
                  intervalRange.contains(interval)
            else { return .failure(.malformed) }
            let digest = bytes[(offset + 8)..<(offset + 12)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            groups.append(Datagram.Group(
                routerId: routerId, priority: bytes[offset + 1], flags: flags, intervalMilliseconds: interval,
                masterIndex: index == 255 ? nil : index, masterAgeMilliseconds: read16(bytes, at: offset + 6),
                serviceDigest: digest))
            offset += groupEntryLength
        }
        return .success(Datagram(
            nodeName: name, chassis: chassisLength == 0 ? nil : chassis, nodeAddress: address,
            epoch: read64(bytes, at: 8), sequence: read64(bytes, at: 16), challenge: read64(bytes, at: 24),
            echo: read64(bytes, at: 32), heard: heard, groups: groups))
    }

    /// At most 63 bytes, never cutting a UTF-8 sequence in half.
    static func truncatedName(_ text: String) -> [UInt8] {
        if text.utf8.count <= maxNodeNameBytes { return Array(text.utf8) }  // a String is valid UTF-8
        var name = Array(text.utf8.prefix(maxNodeNameBytes))
        while !name.isEmpty, String(validating: name, as: UTF8.self) == nil { name.removeLast() }
        return name
    }

    /// Valid UTF-8 as a String, else nil. ASCII (every name in practice) is taken as it is:
    /// the generic validator costs more than the rest of the decoding.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func append(_ v: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    /// The 16-byte wire form of a node address (IPv4-mapped for IPv4).
    private static func append(_ a: NodeAddress, to out: inout [UInt8]) {
        append(a.high, to: &out)
        append(a.low, to: &out)
    }

    private static func readAddress(_ b: [UInt8], at offset: Int) -> NodeAddress {
        NodeAddress(high: read64(b, at: offset), low: read64(b, at: offset + 8))
    }

    private static func append16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(v >> 8))
        out.append(UInt8(truncatingIfNeeded: v))
    }

    private static func read64(_ b: [UInt8], at offset: Int) -> UInt64 {
        b[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func read16(_ b: [UInt8], at offset: Int) -> UInt16 {
        UInt16(b[offset]) << 8 | UInt16(b[offset + 1])
    }
}

/// The shared secret of the cluster. With `insecure: true` the key is empty: adverts are still
/// framed and MAC'd identically, but anyone can forge them.
public struct AuthKey: Sendable {
    /// HMAC-SHA256 keyed once: the inner and outer pads already hashed. Each MAC starts from a
    /// copy (swift-crypto's hashers are copy-on-write values), so keying costs nothing per advert.
    private let keyed: KeyedHMAC

    public init(bytes: [UInt8]) { keyed = KeyedHMAC(HMAC<SHA256>(key: SymmetricKey(data: bytes))) }

    public func mac<D: DataProtocol>(_ data: D) -> [UInt8] {
        var hmac = keyed.start
        hmac.update(data: data)
        return Array(hmac.finalize())
    }

    /// Constant time (swift-crypto compares MACs with `safeCompare`).
    func verify<M: DataProtocol, D: DataProtocol>(mac: M, over data: D) -> Bool {
        var hmac = keyed.start
        hmac.update(data: data)
        return hmac.finalize() == mac
    }
}

/// The keyed, never-updated HMAC state every MAC starts from.
///
/// `@unchecked Sendable`: `start` is immutable and only ever copied; a copy that is updated gets
/// its own hasher state first (swift-crypto's digests check `isKnownUniquelyReferenced` before
/// writing), so threads never write shared state.
private final class KeyedHMAC: @unchecked Sendable {
    let start: HMAC<SHA256>
    init(_ start: HMAC<SHA256>) { self.start = start }
}
