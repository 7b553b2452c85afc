import XCTest
@testable import GratuitousARP

/// The IPv6 conflict probe's frames (RFC 4862 §5.4): building the probe, parsing what comes
/// back, and which frames claim a VIP. The two kernel frames were captured with tcpdump in a
/// namespace pair: a Linux DAD probe for fd00:77::100 (with its RFC 7527 nonce) and the answer
/// of the host holding it.
final class NDPFrameTests: XCTestCase {
    let vip: [UInt8] = [0xFD, 0x00, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00]
    let stray: [UInt8] = [2, 0, 0, 0, 0, 0x0B]
    let own: [UInt8] = [2, 0, 0, 0, 0, 0x0A]

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter(\.isHexDigit))
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    let kernelDADProbe = hex("""
        3333 ff00 0100 0200 0000 000a 86dd 6000 0000 0020 3aff 0000 0000 0000 0000 0000
        0000 0000 0000 ff02 0000 0000 0000 0000 0001 ff00 0100 8700 c1f0 0000 0000 fd00
        0077 0000 0000 0000 0000 0000 0100 0e01 4850 91e1 d104
        """)
    let kernelAnswer = hex("""
        3333 0000 0001 0200 0000 000b 86dd 6000 0000 0020 3aff fd00 0077 0000 0000 0000
        0000 0000 0100 ff02 0000 0000 0000 0000 0000 0000 0001 8800 57a5 2000 0000 fd00
        0077 0000 0000 0000 0000 0000 0100 0201 0200 0000 000b
        """)

    func testTheProbeIsADuplicateAddressDetectionSolicitation() throws {
        let nonce: [UInt8] = [0x48, 0x50, 0x91, 0xE1, 0xD1, 0x04]
        let bytes = NDPFrame.probe(for: vip, mac: own, nonce: nonce).bytes
        XCTAssertEqual(bytes, kernelDADProbe, "the same bytes as the kernel's own probe, checksum included")
        let frame = try XCTUnwrap(NDPFrame(ethernetFrame: bytes))
        XCTAssertEqual(frame.sourceIP, NDPFrame.unspecified)
        XCTAssertEqual(frame.destinationIP, [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0, 0x01, 0x00])
        XCTAssertEqual(frame.destinationMAC, [0x33, 0x33, 0xFF, 0, 0x01, 0x00])
        XCTAssertEqual(frame.type, NDPFrame.solicitation)
        XCTAssertEqual(frame.target, vip)
        XCTAssertNil(frame.sourceLinkLayer, "RFC 4862 §5.4.2: no source link-layer option from ::")
        XCTAssertEqual(frame.nonce, nonce)
    }

    func testAnOrdinarySolicitationCarriesItsSourceAndLinkLayerAddress() throws {
        let linkLocal: [UInt8] = [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0A]
        let frame = try XCTUnwrap(NDPFrame(ethernetFrame: NDPFrame.probe(for: vip, mac: own, nonce: nil, source: linkLocal).bytes))
        XCTAssertEqual(frame.sourceIP, linkLocal)
        XCTAssertEqual(frame.sourceLinkLayer, own)
        XCTAssertNil(frame.nonce)
    }

    func testTheKernelsAnswerParses() throws {
        let answer = try XCTUnwrap(NDPFrame(ethernetFrame: kernelAnswer))
        XCTAssertEqual(answer.type, NDPFrame.advertisement)
        XCTAssertEqual(answer.flags, NDPFrame.overrideFlag)
        XCTAssertEqual(answer.target, vip)
        XCTAssertEqual(answer.targetLinkLayer, stray)
        XCTAssertEqual(answer.sourceMAC, stray)
        XCTAssertEqual(answer.bytes, kernelAnswer, "round trip")
        XCTAssertEqual(NDPFrame(ethernetFrame: kernelAnswer + [UInt8](repeating: 0, count: 20)), answer, "padding ignored")
    }

    func testAnswersAndForeignProbesClaimTheVIPAgentProbesDoNot() throws {
        let vips: Set<[UInt8]> = [vip]
        let answer = try XCTUnwrap(NDPFrame(ethernetFrame: kernelAnswer))
        XCTAssertEqual(NeighborClaim.claim(in: answer, of: vips)?.mac, stray)
        XCTAssertNil(NeighborClaim.claim(in: answer, of: [[UInt8](repeating: 1, count: 16)]), "another address")
        var noOption = answer
        noOption.targetLinkLayer = nil
        noOption.sourceMAC = [2, 0, 0, 0, 0, 0x0C]
        XCTAssertEqual(NeighborClaim.claim(in: noOption, of: vips)?.mac, [2, 0, 0, 0, 0, 0x0C], "the frame's source without the option")

        let kernelProbe = try XCTUnwrap(NDPFrame(ethernetFrame: kernelDADProbe))
        XCTAssertEqual(NeighborClaim.claim(in: kernelProbe, of: vips)?.mac, own, "another host probing for the VIP is a conflict (RFC 4862 §5.4.3)")
        var unmarked = kernelProbe
        unmarked.nonce = nil
        XCTAssertEqual(NeighborClaim.claim(in: unmarked, of: vips)?.mac, own)
        let agent = try XCTUnwrap(NDPFrame(ethernetFrame: NDPFrame.probe(for: vip, mac: own, nonce: NeighborClaim.agentNonce()).bytes))
        XCTAssertNil(NeighborClaim.claim(in: agent, of: vips), "a peer agent's probe")
        let asking = try XCTUnwrap(NDPFrame(ethernetFrame: NDPFrame.probe(for: vip, mac: own, nonce: nil, source: vip.reversed()).bytes))
        XCTAssertNil(NeighborClaim.claim(in: asking, of: vips), "an ordinary solicitation asks, it does not claim")
    }

    func testRejectsMalformedFrames() {
        var checksum = kernelAnswer; checksum[57] ^= 1
        XCTAssertNil(NDPFrame(ethernetFrame: checksum), "bad checksum")
        var hopLimit = kernelAnswer; hopLimit[21] = 64
        XCTAssertNil(NDPFrame(ethernetFrame: hopLimit), "hop limit other than 255 (RFC 4861 §7.1.2)")
        var zeroOption = kernelAnswer; zeroOption[79] = 0
        resum(&zeroOption)
        XCTAssertNil(NDPFrame(ethernetFrame: zeroOption), "option of length 0")
        var unknownOption = kernelAnswer; unknownOption[78] = 99
        resum(&unknownOption)
        XCTAssertNotNil(NDPFrame(ethernetFrame: unknownOption), "unknown options are skipped")
        XCTAssertNil(NDPFrame(ethernetFrame: unknownOption)?.targetLinkLayer)
        var longPayload = kernelAnswer; longPayload[19] = 0x40
        XCTAssertNil(NDPFrame(ethernetFrame: longPayload), "payload length past the frame")
        XCTAssertNil(NDPFrame(ethernetFrame: Array(kernelAnswer.prefix(77))))
        XCTAssertNil(NDPFrame(ethernetFrame: ARPFrame(destinationMAC: stray, sourceMAC: own, operation: 1, senderMAC: own,
                                                      senderIP: [0, 0, 0, 0], targetMAC: stray, targetIP: [1, 2, 3, 4]).bytes))
        var seed = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var frame = kernelAnswer
            for _ in 0..<Int.random(in: 1...4, using: &seed) { frame[Int.random(in: 0..<frame.count, using: &seed)] = UInt8.random(in: 0...255, using: &seed) }
            _ = NDPFrame(ethernetFrame: Array(frame.prefix(Int.random(in: 0...frame.count, using: &seed))))
        }
    }

    /// Puts a correct checksum back into a frame of 32 ICMPv6 bytes.
    private func resum(_ f: inout [UInt8]) {
        f[56] = 0; f[57] = 0
        let sum = NDPFrame.checksum(source: Array(f[22..<38]), destination: Array(f[38..<54]), message: Array(f[54..<86]))
        f[56] = UInt8(sum >> 8); f[57] = UInt8(sum & 0xFF)
    }
}
