import Crypto
import Foundation

/// The fixed-layout advert on the wire (all integers big-endian). See docs/protocol.md.
///
/// ```
///  0  magic "VIPA"          4     28 node address           16 (IPv4-mapped for IPv4)
///  4  version (1)           1     44 node name              64 (UTF-8, zero padded)
///  5  routerId              1    108 reserved (zero)         4
///  6  priority              1    112 HMAC-SHA256 over 0..<112  32
///  7  flags                 1    ---
///  8  advert interval (ms)  2    144 bytes in all
/// 10  address family (4|6)  1
/// 11  node name length      1
/// 12  epoch                 8
/// 20  sequence              8
/// ```
public enum AdvertCodec {
    public static let magic: [UInt8] = Array("VIPA".utf8)
    public static let version: UInt8 = 1
    public static let length = 144
    public static let authenticatedLength = 112
    public static let maxNodeNameBytes = 63
    public static let intervalRange: ClosedRange<UInt16> = 10...10_000

    public static func encode(_ advert: Advert, key: AuthKey) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(length)
        let b = advert.body
        out += magic
        out.append(version)
        out.append(b.routerId)
        out.append(b.priority)
        out.append(b.flags.rawValue)
        out.append(UInt8(b.advertIntervalMilliseconds >> 8))
        out.append(UInt8(truncatingIfNeeded: b.advertIntervalMilliseconds))
        out.append(b.nodeAddress.isIPv4 ? 4 : 6)
        var name = Array(b.nodeName.utf8.prefix(maxNodeNameBytes))
        // Never cut a UTF-8 sequence in half: back off to a scalar boundary.
        while !name.isEmpty, String(validating: name, as: UTF8.self) == nil { name.removeLast() }
        out.append(UInt8(name.count))
        appendBigEndian(advert.epoch, to: &out)
        appendBigEndian(advert.sequence, to: &out)
        out += b.nodeAddress.wireBytes
        out += name + [UInt8](repeating: 0, count: 64 - name.count)
        out += [0, 0, 0, 0]
        out += key.mac(out)
        return out
    }

    /// Decodes and authenticates one datagram. Never traps, whatever the bytes.
    public static func decode(_ bytes: [UInt8], key: AuthKey) -> Result<Advert, DropReason> {
        guard bytes.count >= 5 else { return .failure(.truncated) }
        guard bytes[0..<4].elementsEqual(magic) else { return .failure(.badMagic) }
        guard bytes[4] == version else { return .failure(.badVersion) }
        guard bytes.count >= length else { return .failure(.truncated) }
        guard bytes.count == length else { return .failure(.oversized) }
        guard key.verify(mac: bytes[authenticatedLength..<length], over: bytes[0..<authenticatedLength]) else {
            return .failure(.authFailure)
        }
        let routerId = bytes[5], priority = bytes[6]
        let flags = AdvertFlags(rawValue: bytes[7])
        let interval = UInt16(bytes[8]) << 8 | UInt16(bytes[9])
        let family = bytes[10], nameLength = Int(bytes[11])
        guard routerId != 0,
              AdvertFlags.all.isSuperset(of: flags),
              intervalRange.contains(interval),
              family == 4 || family == 6,
              (1...maxNodeNameBytes).contains(nameLength),
              bytes[108..<112].allSatisfy({ $0 == 0 }),
              bytes[(44 + nameLength)..<108].allSatisfy({ $0 == 0 }),
              let name = String(validating: bytes[44..<(44 + nameLength)], as: UTF8.self),
              let address = NodeAddress(bytes: bytes[28..<44]),
              address.isIPv4 == (family == 4)
        else { return .failure(.malformed) }
        let body = AdvertBody(routerId: routerId, priority: priority, flags: flags,
                              advertIntervalMilliseconds: interval, nodeName: name, nodeAddress: address)
        return .success(Advert(body: body, epoch: readBigEndian(bytes, at: 12), sequence: readBigEndian(bytes, at: 20)))
    }

    private static func appendBigEndian(_ v: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    private static func readBigEndian(_ b: [UInt8], at offset: Int) -> UInt64 {
        b[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The shared secret of the cluster. With `insecure: true` the key is empty: adverts are still
/// framed and MAC'd identically, but anyone can forge them.
public struct AuthKey: Sendable {
    /// The secret's bytes (swift-crypto's `SymmetricKey` is not `Sendable`; one is made per MAC).
    private let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    func mac<D: DataProtocol>(_ data: D) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: bytes)))
    }

    func verify<M: DataProtocol, D: DataProtocol>(mac: M, over data: D) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(Array(mac), authenticating: data, using: SymmetricKey(data: bytes))
    }
}
