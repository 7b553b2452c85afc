import TestSupport
import XCTest
@testable import ElectionProtocol

final class AdvertCodecTests: XCTestCase {
    let key = AuthKey(bytes: Array("0123456789abcdef-shared-secret".utf8))
    let sample = Advert(
        body: AdvertBody(routerId: 51, priority: 150, flags: [.healthy, .master], advertIntervalMilliseconds: 100,
                         nodeName: "m1", nodeAddress: NodeAddress(bytes: [10, 77, 0, 11])!),
        epoch: 1_763_000_000_000_000_000, sequence: 42)

    func testRoundTripIPv4AndIPv6() throws {
        let bytes = AdvertCodec.encode(sample, key: key)
        XCTAssertEqual(bytes.count, AdvertCodec.length)
        XCTAssertEqual(try AdvertCodec.decode(bytes, key: key).get(), sample)

        var v6 = sample
        v6.body.nodeAddress = NodeAddress(bytes: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12])!
        v6.body.nodeName = "master-ü-2"
        XCTAssertEqual(try AdvertCodec.decode(AdvertCodec.encode(v6, key: key), key: key).get(), v6)
    }

    func testLongNodeNameIsCutAtAScalarBoundary() throws {
        var a = sample
        a.body.nodeName = String(repeating: "é", count: 40)  // 80 bytes
        let decoded = try AdvertCodec.decode(AdvertCodec.encode(a, key: key), key: key).get()
        XCTAssertEqual(decoded.body.nodeName, String(repeating: "é", count: 31))
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
        mutate(&b)
        let mac = key.mac(b[0..<AdvertCodec.authenticatedLength])
        b.replaceSubrange(AdvertCodec.authenticatedLength..<AdvertCodec.length, with: mac)
        return b
    }

    func testTruncated() {
        let good = AdvertCodec.encode(sample, key: key)
        expect([], .truncated)
        expect(Array(good.prefix(3)), .truncated)
        expect(Array(good.prefix(143)), .truncated)
        expect(Array(good.prefix(20)), .truncated)
    }

    func testOversized() {
        expect(AdvertCodec.encode(sample, key: key) + [0], .oversized)
        expect(AdvertCodec.encode(sample, key: key) + [UInt8](repeating: 7, count: 9000), .oversized)
    }

    func testBadMagicAndVersion() {
        var b = AdvertCodec.encode(sample, key: key)
        b[0] = UInt8(ascii: "X")
        expect(b, .badMagic)
        expect(Array("GET / HTTP/1.1\r\n".utf8), .badMagic)
        expect(resigned { $0[4] = 2 }, .badVersion)
    }

    func testAuthFailureOnForgedOrCorruptedOrOtherKey() {
        var flipped = AdvertCodec.encode(sample, key: key)
        flipped[6] = 254  // priority raised without the key
        expect(flipped, .authFailure)
        var badMac = AdvertCodec.encode(sample, key: key)
        badMac[143] ^= 1
        expect(badMac, .authFailure)
        expect(AdvertCodec.encode(sample, key: AuthKey(bytes: Array("another-cluster-key!".utf8))), .authFailure)
    }

    func testMalformedFieldsEvenWhenAuthenticated() {
        expect(resigned { $0[5] = 0 }, .malformed)                       // routerId 0
        expect(resigned { $0[7] = 0x80 }, .malformed)                    // unknown flag
        expect(resigned { $0[8] = 0; $0[9] = 5 }, .malformed)            // interval 5ms
        expect(resigned { $0[8] = 0xFF; $0[9] = 0xFF }, .malformed)      // interval 65s
        expect(resigned { $0[10] = 5 }, .malformed)                      // family
        expect(resigned { $0[10] = 6 }, .malformed)                      // IPv4-mapped address but family 6
        expect(resigned { $0[11] = 0 }, .malformed)                      // empty name
        expect(resigned { $0[11] = 64 }, .malformed)                     // name too long
        expect(resigned { $0[44] = 0xFF; $0[45] = 0xFE }, .malformed)    // not UTF-8
        expect(resigned { $0[60] = 1 }, .malformed)                      // garbage after the name
        expect(resigned { $0[109] = 1 }, .malformed)                     // reserved
    }

    func testRandomBytesNeverTrap() {
        var rng = SplitMix64(seed: 7)
        var good = AdvertCodec.encode(sample, key: key)
        for i in 0..<20_000 {
            let n = Int(rng.next() % 300)
            var b = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if i % 2 == 0 {  // mostly-valid packets with a few flipped bytes
                b = good
                for _ in 0..<(1 + rng.next() % 3) { b[Int(rng.next() % 144)] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            }
            if case .success(let a) = AdvertCodec.decode(b, key: key) {
                XCTAssertEqual(b, good, "a tampered packet authenticated: \(a)")
            }
        }
        good[0] = 0
    }

    func testReplayGuard() {
        var guardian = ReplayGuard()
        var a = sample
        XCTAssertTrue(guardian.admit(a))
        XCTAssertFalse(guardian.admit(a), "same sequence replayed")
        a.sequence = 41
        XCTAssertFalse(guardian.admit(a), "older sequence")
        a.sequence = 43
        XCTAssertTrue(guardian.admit(a))
        a.epoch -= 1
        a.sequence = 1_000
        XCTAssertFalse(guardian.admit(a), "previous life of the sender")
        a.epoch += 2
        a.sequence = 0
        XCTAssertTrue(guardian.admit(a), "restarted sender, new epoch")
        var other = sample
        other.body.nodeName = "m2"
        XCTAssertTrue(guardian.admit(other), "senders are tracked separately")
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
