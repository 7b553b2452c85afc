import TestSupport
import XCTest
@testable import ElectionProtocol

/// Wire format v2: one datagram carries every group of the sender, what it hears, and the
/// challenge exchange; decoding never traps and names every refusal.
final class AdvertCodecTests: XCTestCase {
    let key = AuthKey(bytes: Array("0123456789abcdef-shared-secret".utf8))
    let m2 = NodeAddress(bytes: [10, 77, 0, 12])!
    lazy var sample = Datagram(
        nodeName: "m1", chassis: "chassis-m1", nodeAddress: NodeAddress(bytes: [10, 77, 0, 11])!,
        epoch: 0xDEAD_BEEF_0123_4567, sequence: 42, challenge: 77, echo: 88,
        heard: [.init(address: m2, ageMilliseconds: 37), .init(address: NodeAddress(bytes: [10, 77, 0, 13])!, ageMilliseconds: 65_535)],
        groups: [.init(routerId: 51, priority: 150, flags: [.healthy, .master, .settling], intervalMilliseconds: 100,
                       serviceDigest: 0x1234_5678),
                 .init(routerId: 60, priority: 140, flags: [.healthy], intervalMilliseconds: 1_000,
                       masterIndex: 0, masterAgeMilliseconds: 12)])

    /// Offsets in the sample: header 60, names 2 + 10, heard 2 × 18, groups 2 × 12, MAC 32.
    private var groupsOffset: Int { 60 + 2 + 10 + 36 }

    func testRoundTripIPv4AndIPv6() throws {
        let bytes = AdvertCodec.encode(sample, key: key)
        XCTAssertEqual(bytes.count, 60 + 12 + 36 + 24 + 32)
        XCTAssertEqual(try AdvertCodec.decode(bytes, key: key).get(), sample)

        var v6 = sample
        v6.nodeAddress = NodeAddress(bytes: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12])!
        v6.nodeName = "master-ü-2"
        v6.chassis = nil
        XCTAssertEqual(try AdvertCodec.decode(AdvertCodec.encode(v6, key: key), key: key).get(), v6)
    }

    func testSixtyFourGroupsFitOneEthernetFrame() {
        var d = sample
        d.groups = (1...64).map { .init(routerId: UInt8($0), priority: 100, flags: [.healthy], intervalMilliseconds: 100) }
        XCTAssertLessThan(AdvertCodec.encode(d, key: key).count, 1_472, "one UDP payload in a 1500-byte frame")
    }

    func testTheViewOfAGroupReadsInTheReceiversTime() {
        let body = sample.body(of: sample.groups[1], inGateway: true, receiver: m2)
        XCTAssertEqual(body.nodeName, "chassis-m1")
        XCTAssertEqual(body.view, MasterView(master: m2, age: 12_000_000))
        XCTAssertEqual(body.heardReceiverAge, 37_000_000)
        XCTAssertNil(sample.body(of: sample.groups[0], receiver: NodeAddress(bytes: [10, 0, 0, 1])!).heardReceiverAge)
    }

    func testLongNodeNameIsCutAtAScalarBoundary() throws {
        var a = sample
        a.nodeName = String(repeating: "é", count: 40)  // 80 bytes
        let decoded = try AdvertCodec.decode(AdvertCodec.encode(a, key: key), key: key).get()
        XCTAssertEqual(decoded.nodeName, String(repeating: "é", count: 31))
    }

    private func expect(_ bytes: [UInt8], _ reason: DropReason, file: StaticString = #filePath, line: UInt = #line) {
        switch AdvertCodec.decode(bytes, key: key) {
        case .success: XCTFail("decoded, expected \(reason)", file: file, line: line)
        case .failure(let r): XCTAssertEqual(r, reason, file: file, line: line)
        }
    }

    /// Re-signs a tampered packet so that the field check, not the MAC, is what refuses it.
    private func resigned(_ mutate: (inout [UInt8]) -> Void) -> [UInt8] {
        var b = AdvertCodec.encode(sample, key: key)
        b.removeLast(AdvertCodec.macLength)
        mutate(&b)
        return b + key.mac(b)
    }

    func testTruncated() {
        let good = AdvertCodec.encode(sample, key: key)
        expect([], .truncated)
        expect(Array(good.prefix(3)), .truncated)
        expect(Array(good.prefix(good.count - 1)), .truncated)
        expect(Array(good.prefix(60)), .truncated)
    }

    func testOversized() {
        expect(AdvertCodec.encode(sample, key: key) + [0], .oversized)
        expect(AdvertCodec.encode(sample, key: key) + [UInt8](repeating: 7, count: 9000), .oversized)
    }

    func testBadMagicAndVersionsAndTheOldOne() {
        var b = AdvertCodec.encode(sample, key: key)
        b[0] = UInt8(ascii: "X")
        expect(b, .badMagic)
        expect(Array("GET / HTTP/1.1\r\n".utf8), .badMagic)
        expect(resigned { $0[4] = 3 }, .badVersion)
        // A version 1 advert (144 bytes, version byte 1): an older vip-agent, named as such.
        expect(Array("VIPA".utf8) + [1] + [UInt8](repeating: 0, count: 139), .oldVersion)
    }

    func testAuthFailureOnForgedOrCorruptedOrOtherKey() {
        var flipped = AdvertCodec.encode(sample, key: key)
        flipped[groupsOffset + 1] = 254  // priority raised without the key
        expect(flipped, .authFailure)
        var badMac = AdvertCodec.encode(sample, key: key)
        badMac[badMac.count - 1] ^= 1
        expect(badMac, .authFailure)
        expect(AdvertCodec.encode(sample, key: AuthKey(bytes: Array("another-cluster-key!".utf8))), .authFailure)
    }

    func testMalformedFieldsEvenWhenAuthenticated() {
        let g = groupsOffset
        expect(resigned { $0[5] = 5 }, .malformed)                         // family
        expect(resigned { $0[5] = 6 }, .malformed)                         // IPv4-mapped address but family 6
        expect(resigned { $0[58] = 1 }, .malformed)                        // reserved
        expect(resigned { $0[60] = 0xFF; $0[61] = 0xFE }, .malformed)      // name not UTF-8
        expect(resigned { $0[g] = 0 }, .malformed)                         // routerId 0
        expect(resigned { $0[g + 12] = 51 }, .malformed)                   // the same routerId twice
        expect(resigned { $0[g + 2] = 0x80 }, .malformed)                  // unknown flag
        expect(resigned { $0[g + 3] = 2 }, .malformed)                     // master index beyond `heard`
        expect(resigned { $0[g + 4] = 0; $0[g + 5] = 5 }, .malformed)      // interval 5ms
        expect(resigned { $0[g + 4] = 0xFF; $0[g + 5] = 0xFF }, .malformed)  // interval 65s
    }

    func testCountsThatDisagreeWithTheLengthAreRefused() {
        expect(resigned { $0[6] = 0 }, .oversized)                          // empty name: bytes left over
        expect(resigned { $0[56] = 3 }, .truncated)                         // one more heard entry than sent
        expect(resigned { $0[57] = 1 }, .oversized)                         // one group fewer
        expect(resigned { $0[57] = 0; $0.removeLast(24) }, .malformed)      // no group at all
    }

    func testRandomBytesNeverTrap() {
        var rng = SplitMix64(seed: 7)
        let good = AdvertCodec.encode(sample, key: key)
        for i in 0..<20_000 {
            let n = Int(rng.next() % 300)
            var b = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if i % 2 == 0 {  // mostly-valid packets with a few flipped bytes
                b = good
                for _ in 0..<(1 + rng.next() % 3) { b[Int(rng.next() % UInt64(good.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            }
            if case .success(let a) = AdvertCodec.decode(b, key: key) {
                XCTAssertEqual(b, good, "a tampered packet authenticated: \(a)")
            }
        }
    }

    func testNodeAddressOrderAndText() {
        let a = NodeAddress(bytes: [10, 77, 0, 11])!, b = NodeAddress(bytes: [10, 77, 0, 12])!
        XCTAssertLessThan(a, b)
        XCTAssertEqual(a.description, "10.77.0.11")
        XCTAssertEqual(a.bytes, [10, 77, 0, 11])
        XCTAssertTrue(a.isIPv4)
        let v6 = NodeAddress(bytes: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12])!
        XCTAssertEqual(v6.description, "fd00::12")
        XCTAssertFalse(v6.isIPv4)
        XCTAssertNil(NodeAddress(bytes: [1, 2, 3]))
    }
}
