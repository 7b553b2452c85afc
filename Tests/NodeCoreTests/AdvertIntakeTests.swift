import ElectionProtocol
import XCTest
@testable import NodeCore

/// Every datagram passes the intake before the election sees it: forged, replayed, truncated,
/// oversized, foreign and own packets are dropped with a named, counted reason.
final class AdvertIntakeTests: XCTestCase {
    private let key = AuthKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    private let m2 = NodeAddress(bytes: [10, 77, 0, 12])!
    private let stranger = NodeAddress(bytes: [10, 77, 0, 99])!

    private func intake() -> AdvertIntake {
        AdvertIntake(peers: [m2, NodeAddress(bytes: [10, 77, 0, 13])!], key: key, ownNames: ["m1"], routerIds: [51])
    }

    private func packet(name: String = "m2", routerId: UInt8 = 51, sequence: UInt64, key: AuthKey? = nil) -> [UInt8] {
        let body = AdvertBody(routerId: routerId, priority: 140, flags: [.healthy], advertIntervalMilliseconds: 100,
                              nodeName: name, nodeAddress: m2)
        return AdvertCodec.encode(Advert(body: body, epoch: 7, sequence: sequence), key: key ?? self.key)
    }

    private func reason(_ result: Result<Advert, DropReason>) -> DropReason? {
        if case .failure(let r) = result { return r }
        return nil
    }

    func testAValidAdvertFromAPeerIsAdmitted() throws {
        var i = intake()
        let advert = try i.admit(packet(sequence: 1), from: m2).get()
        XCTAssertEqual(advert.body.nodeName, "m2")
        XCTAssertEqual(i.accepted, 1)
        XCTAssertTrue(i.drops.isEmpty)
    }

    func testEveryRefusalIsNamedAndCounted() {
        var i = intake()
        let good = packet(sequence: 5)
        XCTAssertEqual(reason(i.admit(good, from: stranger)), .unknownPeer)
        XCTAssertEqual(reason(i.admit(Array(good.prefix(10)), from: m2)), .truncated)
        XCTAssertEqual(reason(i.admit(good + [UInt8](repeating: 0, count: 4096), from: m2)), .oversized)
        let otherKey = AuthKey(bytes: Array("another key, another cluster!!!!".utf8))
        XCTAssertEqual(reason(i.admit(packet(sequence: 5, key: otherKey), from: m2)), .authFailure)
        var flipped = good
        flipped[flipped.count / 2] ^= 0x01
        XCTAssertEqual(reason(i.admit(flipped, from: m2)), .authFailure, "a forged byte breaks the MAC")
        XCTAssertEqual(reason(i.admit(packet(name: "m1", sequence: 6), from: m2)), .ownAdvert)
        XCTAssertEqual(reason(i.admit(packet(routerId: 52, sequence: 7), from: m2)), .unknownGroup)
        XCTAssertNotNil(try? i.admit(good, from: m2).get())
        XCTAssertEqual(reason(i.admit(good, from: m2)), .replay, "the same datagram again")
        XCTAssertEqual(reason(i.admit(packet(sequence: 4), from: m2)), .replay, "an older sequence")
        XCTAssertEqual(i.accepted, 1)
        XCTAssertEqual(i.count(.replays), 2)
        XCTAssertEqual(i.count(.authFailures), 2)
        XCTAssertEqual(i.count(.malformed), 2)
        XCTAssertEqual(i.drops[.unknownPeer], 1)
    }

    func testRandomGarbageNeverGetsThrough() {
        var i = intake()
        var rng = SystemRandomNumberGenerator()
        for n in 0..<2_000 {
            let bytes = (0..<(n % 300)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertNil(try? i.admit(bytes, from: m2).get())
        }
        XCTAssertEqual(i.accepted, 0)
        XCTAssertEqual(i.drops.values.reduce(0, +), 2_000)
    }
}
