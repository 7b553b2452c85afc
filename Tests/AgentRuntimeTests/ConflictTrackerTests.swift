import XCTest
@testable import AgentRuntime

/// Address conflicts: which answers count, and when a conflict begins and ends.
final class ConflictTrackerTests: XCTestCase {
    private let me: [UInt8] = [2, 0, 0, 0, 0, 1]
    private let peer: [UInt8] = [2, 0, 0, 0, 0, 2]
    private let stray: [UInt8] = [2, 0, 0, 0, 0, 0x99]
    private let peerAddress: [UInt8] = [10, 0, 0, 2]

    func testOwnAndPeerAnswersNeverCount() {
        let master = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer]], holding: true, masterPeer: nil)
        XCTAssertEqual(master.strangers(among: [me, peer]), [], "a peer answering while we are MASTER is a split brain, not a stray")
        XCTAssertEqual(master.strangers(among: [peer, stray]), [stray])
        let twoFaced: [UInt8] = [2, 0, 0, 0, 0, 3]
        let flux = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer, twoFaced]], holding: false, masterPeer: peerAddress)
        XCTAssertEqual(flux.strangers(among: [twoFaced]), [], "a peer answering from both of its interfaces on the segment")
    }

    func testWhileAPeerIsMasterAnUnknownAnswerCountsOnlyIfThatPeerIsKnownHere() {
        let known = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer]], holding: false, masterPeer: peerAddress)
        XCTAssertEqual(known.strangers(among: [peer, stray]), [stray])
        let unknown = ConflictEvidence(ownMACs: [me], peerMACs: [:], holding: false, masterPeer: peerAddress)
        XCTAssertEqual(unknown.strangers(among: [stray]), [], "could be the master peer's MAC on this segment")
        let nobody = ConflictEvidence(ownMACs: [me], peerMACs: [:], holding: false, masterPeer: nil)
        XCTAssertEqual(nobody.strangers(among: [stray]), [stray], "no master: nobody may answer")
        XCTAssertEqual(known.strangers(among: [stray]), [], "the master peer did not answer with the MAC learnt: it may have changed")
    }

    func testOneProbeIsEnoughOnlyWhenNotHoldingAndThePeersAreAccountedFor() {
        let other: [UInt8] = [10, 0, 0, 3]
        let holding = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer]], holding: true, masterPeer: nil)
        XCTAssertFalse(holding.isCertain(among: [stray], peerCount: 1), "a hand-over may be in flight")
        let allKnown = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer]], holding: false, masterPeer: nil)
        XCTAssertTrue(allKnown.isCertain(among: [stray], peerCount: 1))
        let masterAnswered = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer]], holding: false, masterPeer: peerAddress)
        XCTAssertTrue(masterAnswered.isCertain(among: [peer, stray], peerCount: 2))
        XCTAssertFalse(masterAnswered.isCertain(among: [stray], peerCount: 2), "the master did not answer with its known MAC")
        let otherMaster = ConflictEvidence(ownMACs: [me], peerMACs: [peerAddress: [peer]], holding: false, masterPeer: other)
        XCTAssertFalse(otherMaster.isCertain(among: [peer, stray], peerCount: 2), "the master's MAC is unknown")
    }

    func testAConflictNeedsTwoProbesInARowAndEndsAfterTwoCleanOnes() {
        var tracker = ConflictTracker()
        XCTAssertNil(tracker.observe([stray]))
        XCTAssertEqual(tracker.nextDelay, ConflictTracker.confirmDelay, "a suspicion is checked again quickly")
        XCTAssertNil(tracker.observe([]), "one answer alone (a hand-over in flight) is forgotten")
        XCTAssertNil(tracker.observe([stray]))
        XCTAssertEqual(tracker.observe([stray]), .began(owner: stray))
        XCTAssertEqual(tracker.owner, stray)
        // Standing: probed with a doubling backoff, no new change.
        var delays: [Duration] = [tracker.nextDelay]
        for _ in 0..<5 {
            XCTAssertNil(tracker.observe([stray]))
            delays.append(tracker.nextDelay)
        }
        XCTAssertEqual(delays, [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4), .seconds(4)])
        XCTAssertNil(tracker.observe([]))
        XCTAssertNil(tracker.observe([stray]), "one clean probe is not enough")
        XCTAssertNil(tracker.observe([]))
        XCTAssertEqual(tracker.observe([]), .ended)
        XCTAssertNil(tracker.owner)
        XCTAssertEqual(tracker.nextDelay, ConflictTracker.interval)
    }

    func testBeforeTheFirstClaimOneCertainAnswerIsEnough() {
        var tracker = ConflictTracker()
        XCTAssertEqual(tracker.observe([stray], certain: true), .began(owner: stray))
        var unsure = ConflictTracker()
        XCTAssertNil(unsure.observe([stray], certain: false))
    }

    func testAnotherStrayTakingOverIsReported() {
        var tracker = ConflictTracker()
        _ = tracker.observe([stray])
        XCTAssertEqual(tracker.observe([stray]), .began(owner: stray))
        let other: [UInt8] = [2, 0, 0, 0, 0, 0x98]
        XCTAssertEqual(tracker.observe([other]), .began(owner: other))
        XCTAssertNil(tracker.observe([other, stray]))
    }
}
