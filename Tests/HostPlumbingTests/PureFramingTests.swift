import XCTest
@testable import GratuitousARP
@testable import HostPlumbing

final class ARPFrameTests: XCTestCase {
    let frame = ARPFrame(destinationMAC: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], sourceMAC: [2, 0, 0, 0, 0, 1],
                         operation: ARPFrame.reply, senderMAC: [2, 0, 0, 0, 0, 1], senderIP: [10, 77, 0, 100],
                         targetMAC: [2, 0, 0, 0, 0, 1], targetIP: [10, 77, 0, 100])

    func testRoundTrip() {
        XCTAssertEqual(frame.bytes.count, ARPFrame.minimumLength)
        XCTAssertEqual(ARPFrame(ethernetFrame: frame.bytes), frame)
        XCTAssertEqual(ARPFrame(ethernetFrame: frame.bytes + [UInt8](repeating: 0, count: 18)), frame, "padding ignored")
        XCTAssertTrue(frame.isGratuitous(for: [10, 77, 0, 100]))
        XCTAssertTrue(frame.isReply(from: [10, 77, 0, 100]))
        XCTAssertFalse(frame.isReply(from: [10, 77, 0, 1]))
    }

    func testRejectsOtherFrames() {
        XCTAssertNil(ARPFrame(ethernetFrame: []))
        XCTAssertNil(ARPFrame(ethernetFrame: Array(frame.bytes.prefix(41))))
        var ipv4 = frame.bytes; ipv4[13] = 0x00
        XCTAssertNil(ARPFrame(ethernetFrame: ipv4))
        var ipv6Payload = frame.bytes; ipv6Payload[16] = 0x86; ipv6Payload[17] = 0xDD
        XCTAssertNil(ARPFrame(ethernetFrame: ipv6Payload))
        for _ in 0..<1000 {
            _ = ARPFrame(ethernetFrame: (0..<Int.random(in: 0..<80)).map { _ in UInt8.random(in: 0...255) })
        }
    }

    func testMillisecondsRoundUp() {
        XCTAssertEqual(PacketSocket.milliseconds(.zero), 0)
        XCTAssertEqual(PacketSocket.milliseconds(.milliseconds(-5)), 0)
        XCTAssertEqual(PacketSocket.milliseconds(.microseconds(1)), 1)
        XCTAssertEqual(PacketSocket.milliseconds(.milliseconds(300)), 300)
        XCTAssertEqual(PacketSocket.milliseconds(.seconds(2) + .nanoseconds(1)), 2001)
        XCTAssertEqual(PacketSocket.milliseconds(.seconds(Int64.max / 2)), Int32.max)
    }

    func testAddressTextNeverFails() {
        XCTAssertEqual(addressText([10, 77, 0, 100]), "10.77.0.100")
        XCTAssertEqual(addressText([0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64]), "fd00:0:0:0:0:0:0:64")
        XCTAssertEqual(addressText([1, 2]), "<2 bytes: 1 2>")
    }
}

final class NetlinkMessagesTests: XCTestCase {
    private func message(type: UInt16, payload: Int = 0) -> [UInt8] {
        let length = UInt32(16 + payload)
        var bytes = withUnsafeBytes(of: length) { Array($0) } + withUnsafeBytes(of: type) { Array($0) }
        bytes += [UInt8](repeating: 0, count: 10 + payload)
        return bytes
    }

    private func scan(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { NetlinkMessages.containsLinkOrAddressEvent($0) }
    }

    func testFindsLinkAndAddressEvents() {
        XCTAssertTrue(scan(message(type: 16, payload: 16)))
        XCTAssertTrue(scan(message(type: 21)))
        XCTAssertTrue(scan(message(type: 24, payload: 4) + message(type: 20, payload: 8)))
    }

    func testIgnoresOtherMessages() {
        XCTAssertFalse(scan(message(type: 24, payload: 12)))      // RTM_NEWROUTE
        XCTAssertFalse(scan(message(type: 3) + message(type: 28)))  // NLMSG_DONE, RTM_NEWNEIGH
        XCTAssertFalse(scan([]))
    }

    func testMalformedCountsAsChange() {
        XCTAssertTrue(scan([1, 2, 3]))
        var truncated = message(type: 24, payload: 8); truncated.removeLast(4)
        XCTAssertTrue(scan(truncated))
        XCTAssertTrue(scan([0, 0, 0, 0, 24, 0] + [UInt8](repeating: 0, count: 10)))  // zero length
    }
}
