import ElectionProtocol
import XCTest
@testable import NodeCore

/// Every datagram passes the intake before the elections see it: forged, replayed, truncated,
/// oversized, foreign, spoofed and own packets are dropped with a named, counted reason, and a
/// sender's epoch is believed only once it answered this node's challenge.
final class AdvertIntakeTests: XCTestCase {
    private let key = AuthKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    private let m1 = NodeAddress(bytes: [10, 77, 0, 11])!
    private let m2 = NodeAddress(bytes: [10, 77, 0, 12])!
    private let m3 = NodeAddress(bytes: [10, 77, 0, 13])!
    private let stranger = NodeAddress(bytes: [10, 77, 0, 99])!

    private func intake(seed: UInt64 = 1) -> AdvertIntake {
        AdvertIntake(peers: [m2, m3], key: key, ownAddress: m1, routerIds: [51], nonceSeed: seed)
    }

    private func packet(from address: NodeAddress? = nil, routerId: UInt8 = 51, epoch: UInt64 = 7, sequence: UInt64,
                        echo: UInt64 = 0, key: AuthKey? = nil) -> [UInt8] {
        let d = Datagram(nodeName: "m2", nodeAddress: address ?? m2, epoch: epoch, sequence: sequence,
                         challenge: 99, echo: echo,
                         groups: [.init(routerId: routerId, priority: 140, flags: [.healthy], intervalMilliseconds: 100)])
        return AdvertCodec.encode(d, key: key ?? self.key)
    }

    private func reason(_ result: Result<(Datagram, newEpoch: Bool), DropReason>) -> DropReason? {
        if case .failure(let r) = result { return r }
        return nil
    }

    /// The first datagram of an epoch is held until the sender echoes our challenge.
    private func verified(_ i: inout AdvertIntake, epoch: UInt64 = 7, sequence: UInt64 = 1) throws {
        XCTAssertEqual(reason(i.admit(packet(epoch: epoch, sequence: sequence), from: m2)), .unverifiedEpoch)
        let (challenge, echo) = i.exchange(for: m2)
        XCTAssertEqual(echo, 99, "we answer the sender's challenge even before we believe it")
        let (d, newEpoch) = try i.admit(packet(epoch: epoch, sequence: sequence + 1, echo: challenge), from: m2).get()
        XCTAssertTrue(newEpoch)
        XCTAssertEqual(d.nodeName, "m2")
    }

    func testAnEpochIsBelievedOnceItAnswersTheChallenge() throws {
        var i = intake()
        try verified(&i)
        XCTAssertNoThrow(try i.admit(packet(sequence: 3), from: m2).get())
        XCTAssertEqual(i.accepted, 2)
        XCTAssertEqual(i.drops[.unverifiedEpoch], 1)
        XCTAssertEqual(i.count(.replays), 0, "a restart is not counted as a replay")
    }

    func testEveryRefusalIsNamedAndCounted() throws {
        var i = intake()
        try verified(&i, sequence: 4)
        let good = packet(sequence: 10)
        XCTAssertEqual(reason(i.admit(good, from: stranger)), .unknownPeer)
        XCTAssertEqual(reason(i.admit(Array(good.prefix(10)), from: m2)), .truncated)
        XCTAssertEqual(reason(i.admit(good + [UInt8](repeating: 0, count: 8192), from: m2)), .oversized)
        XCTAssertEqual(reason(i.admit(good + [0], from: m2)), .oversized, "one byte more than its counts say")
        let otherKey = AuthKey(bytes: Array("another key, another cluster!!!!".utf8))
        XCTAssertEqual(reason(i.admit(packet(sequence: 11, key: otherKey), from: m2)), .authFailure)
        var flipped = good
        flipped[flipped.count / 2] ^= 0x01
        XCTAssertEqual(reason(i.admit(flipped, from: m2)), .authFailure, "a forged byte breaks the MAC")
        XCTAssertEqual(reason(i.admit(packet(from: m3, sequence: 12), from: m2)), .addressMismatch,
                       "an advert for m3 arriving from m2's address")
        XCTAssertEqual(reason(i.admit(packet(routerId: 52, sequence: 13), from: m2)), .unknownGroup)
        var v1 = good
        v1[4] = 1
        XCTAssertEqual(reason(i.admit(v1, from: m2)), .oldVersion)
        XCTAssertNotNil(try? i.admit(good, from: m2).get())
        XCTAssertEqual(reason(i.admit(good, from: m2)), .replay, "the same datagram again")
        XCTAssertEqual(reason(i.admit(packet(sequence: 9), from: m2)), .replay, "an older sequence")
        XCTAssertEqual(i.accepted, 2)
        XCTAssertEqual(i.count(.replays), 2)
        XCTAssertEqual(i.count(.authFailures), 2)
        XCTAssertEqual(i.count(.malformed), 5, "truncated, 2 × oversized, address mismatch, old version")
        XCTAssertEqual(i.drops[.unknownPeer], 1)
    }

    func testOwnAddressAmongThePeersIsALoop() {
        var i = AdvertIntake(peers: [m1, m2], key: key, ownAddress: m1, routerIds: [51], nonceSeed: 1)
        XCTAssertEqual(reason(i.admit(packet(from: m1, sequence: 1), from: m1)), .ownAdvert)
    }

    func testARestartWithAnyEpochIsBelievedAfterOneExchange() throws {
        var i = intake()
        try verified(&i, epoch: 1_000_000, sequence: 50)
        // m2 restarts: a smaller epoch (its clock an hour behind would not matter either), sequence from 1.
        XCTAssertEqual(reason(i.admit(packet(epoch: 3, sequence: 1), from: m2)), .unverifiedEpoch)
        let (challenge, _) = i.exchange(for: m2)
        XCTAssertTrue(try i.admit(packet(epoch: 3, sequence: 2, echo: challenge), from: m2).get().newEpoch)
        XCTAssertNoThrow(try i.admit(packet(epoch: 3, sequence: 3), from: m2).get())
    }

    /// A recording of m2's datagrams, played back after this node restarted (or at any time
    /// later), answers challenges that are no longer current: never believed.
    func testARecordingIsRefusedEvenAfterTheReceiverRestarted() throws {
        var before = intake(seed: 1)
        XCTAssertEqual(reason(before.admit(packet(epoch: 7, sequence: 1), from: m2)), .unverifiedEpoch)
        let (challenge, _) = before.exchange(for: m2)
        var recording = [packet(epoch: 7, sequence: 2, echo: challenge)]
        recording += (3...20).map { packet(epoch: 7, sequence: UInt64($0), echo: challenge) }
        for p in recording { XCTAssertNoThrow(try before.admit(p, from: m2).get()) }
        // Played back to the same receiver: every one is a replay.
        for p in recording { XCTAssertEqual(reason(before.admit(p, from: m2)), .replay) }
        // The receiver restarts (another seed: every start draws its own).
        var after = intake(seed: 2)
        for p in recording { XCTAssertEqual(reason(after.admit(p, from: m2)), .unverifiedEpoch) }
        XCTAssertEqual(after.accepted, 0)
        XCTAssertEqual(after.drops[.unverifiedEpoch], UInt64(recording.count))
        // The real m2 answers the new challenge at once.
        let (fresh, _) = after.exchange(for: m2)
        XCTAssertTrue(try after.admit(packet(epoch: 7, sequence: 21, echo: fresh), from: m2).get().newEpoch)
        // Once believed, the challenge is drawn anew: the datagram that answered it cannot open
        // the epoch again later.
        XCTAssertNotEqual(after.exchange(for: m2).challenge, fresh)
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
