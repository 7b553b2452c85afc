import Foundation
import XCTest
@testable import GratuitousARP

/// Two namespaces joined by a veth pair: `a` (vethA, 02:00:00:00:00:0a) announces, `b` (vethB,
/// 02:00:00:00:00:0b) captures and keeps a neighbour table.
final class GratuitousARPNamespaceTests: XCTestCase {
    private var a: NetworkNamespace!
    private var b: NetworkNamespace!
    private let macA: [UInt8] = [2, 0, 0, 0, 0, 0x0a]
    private let macB: [UInt8] = [2, 0, 0, 0, 0, 0x0b]
    private let staleMAC = "02:00:00:00:00:99"

    override func setUpWithError() throws {
        a = try NetworkNamespace()
        b = try NetworkNamespace()
        try a.connect("vethA", mac: "02:00:00:00:00:0a", to: b, as: "vethB", mac: "02:00:00:00:00:0b")
        try a.ip("addr", "add", "10.77.0.1/24", "dev", "vethA")
        try b.ip("addr", "add", "10.77.0.2/24", "dev", "vethB")
        try a.ip("addr", "add", "fd00:77::1/64", "dev", "vethA", "nodad")
        try b.ip("addr", "add", "fd00:77::2/64", "dev", "vethB", "nodad")
    }

    override func tearDown() {
        a?.destroy(); b?.destroy()
        a = nil; b = nil
    }

    func testGratuitousARPReachesThePeerAndUpdatesItsNeighbourEntry() throws {
        // arp_accept=0: only an existing entry is updated, so plant a stale one.
        try b.ip("neigh", "replace", "10.77.0.100", "lladdr", staleMAC, "dev", "vethB", "nud", "stale")
        let capture = try b.enter { try PacketSocket(interface: "vethB", etherType: PacketSocket.etherTypeARP) }
        capture.drain()

        let announcer = try a.enter { try Announcer(interface: "vethA") }
        defer { announcer.close() }
        XCTAssertEqual(try announcer.mac, macA)
        XCTAssertEqual(try announcer.announceIPv4([10, 77, 0, 100]), 2)

        var frames: [ARPFrame] = []
        let deadline = ContinuousClock.now + .seconds(1)
        while frames.count < 2, let frame = try capture.receive(until: deadline, { bytes -> ARPFrame? in
            guard let f = ARPFrame(ethernetFrame: bytes), f.isGratuitous(for: [10, 77, 0, 100]) else { return nil }
            return f
        }) {
            frames.append(frame)
        }
        XCTAssertEqual(frames.map(\.operation), [ARPFrame.request, ARPFrame.reply])
        for frame in frames {
            XCTAssertEqual(frame.destinationMAC, LibnetLink.broadcastMAC)
            XCTAssertEqual(frame.sourceMAC, macA)
            XCTAssertEqual(frame.senderMAC, macA)
        }
        XCTAssertEqual(frames.last?.targetMAC, macA, "a gratuitous reply carries target MAC = sender MAC")

        let neighbour = try b.ip("neigh", "show", "10.77.0.100", "dev", "vethB")
        XCTAssertTrue(neighbour.contains("02:00:00:00:00:0a"), neighbour)
    }

    func testAnAnnouncementAfterTheMACChangedCarriesTheNewMAC() throws {
        let announcer = try a.enter { try Announcer(interface: "vethA") }
        defer { announcer.close() }
        XCTAssertEqual(try announcer.mac, macA)
        let cloned: [UInt8] = [2, 0, 0, 0, 0, 0xcc]
        try a.ip("link", "set", "dev", "vethA", "address", "02:00:00:00:00:cc")
        XCTAssertEqual(try announcer.mac, cloned, "read again, not cached at opening")
        let capture = try b.enter { try PacketSocket(interface: "vethB", etherType: PacketSocket.etherTypeARP) }
        capture.drain()
        XCTAssertEqual(try announcer.announceIPv4([10, 77, 0, 100]), 2)
        let frame = try XCTUnwrap(try capture.receive(until: .now + .seconds(1)) { bytes -> ARPFrame? in
            guard let f = ARPFrame(ethernetFrame: bytes), f.isGratuitous(for: [10, 77, 0, 100]) else { return nil }
            return f
        }, "no gratuitous ARP captured")
        XCTAssertEqual(frame.senderMAC, cloned)
        XCTAssertEqual(frame.sourceMAC, cloned)

        let advertCapture = try b.enter { try PacketSocket(interface: "vethB", etherType: PacketSocket.etherTypeAll) }
        advertCapture.drain()
        let vip6: [UInt8] = [0xFD, 0, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00]
        XCTAssertEqual(try announcer.announceIPv6(vip6), 1)
        let na = try XCTUnwrap(try advertCapture.receive(until: .now + .seconds(1)) { CapturedAdvertisement(frame: $0, target: vip6) })
        XCTAssertEqual(na.sourceMAC, cloned)
        XCTAssertEqual(na.targetLinkLayerAddress, cloned)
    }

    func testClaimantsAreEveryHostAnsweringForTheAddress() throws {
        let probe = try a.enter { try ARPProbe(interface: "vethA") }
        defer { probe.close() }
        let nobody = try probe.claimants(of: [10, 77, 0, 100], window: .milliseconds(200))
        XCTAssertEqual(nobody, [])
        try b.ip("addr", "add", "10.77.0.100/32", "dev", "vethB")
        let capture = try b.enter { try PacketSocket(interface: "vethB", etherType: PacketSocket.etherTypeARP) }
        capture.drain()
        let claimants = try probe.claimants(of: [10, 77, 0, 100], window: .milliseconds(200))
        XCTAssertEqual(claimants, [macB])
        let request = try XCTUnwrap(try capture.receive(until: .now + .seconds(1)) { bytes -> ARPFrame? in
            guard let f = ARPFrame(ethernetFrame: bytes), f.operation == ARPFrame.request else { return nil }
            return f
        })
        XCTAssertEqual(request.senderIP, [0, 0, 0, 0], "an RFC 5227 probe: nobody learns from it")
        XCTAssertEqual(request.targetIP, [10, 77, 0, 100])
        let several = try probe.claimants(of: [[10, 77, 0, 2], [10, 77, 0, 100], [10, 77, 0, 3]], window: .milliseconds(200))
        XCTAssertEqual(several, [[10, 77, 0, 2]: [macB], [10, 77, 0, 100]: [macB]], "all asked at once, nobody has .3")
    }

    func testUnsolicitedNeighbourAdvertisementUpdatesThePeer() throws {
        let vip: [UInt8] = [0xFD, 0, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00]
        try b.ip("-6", "neigh", "replace", "fd00:77::100", "lladdr", staleMAC, "dev", "vethB", "nud", "stale")
        let capture = try b.enter { try PacketSocket(interface: "vethB", etherType: PacketSocket.etherTypeAll) }
        capture.drain()

        let announcer = try a.enter { try Announcer(interface: "vethA") }
        defer { announcer.close() }
        XCTAssertEqual(try announcer.announceIPv6(vip), 1)

        let advert = try capture.receive(until: .now + .seconds(1)) { CapturedAdvertisement(frame: $0, target: vip) }
        let na = try XCTUnwrap(advert, "no neighbour advertisement captured")
        XCTAssertEqual(na.destinationMAC, [0x33, 0x33, 0, 0, 0, 1])
        XCTAssertEqual(na.sourceMAC, macA)
        XCTAssertEqual(na.hopLimit, 255)
        XCTAssertEqual(na.flags & 0xE0, 0x20, "override only, not solicited, not router")
        XCTAssertEqual(na.targetLinkLayerAddress, macA)
        XCTAssertTrue(na.checksumValid, "ICMPv6 checksum")

        var neighbour = ""
        for _ in 0..<20 {  // the kernel processes the frame asynchronously
            neighbour = try b.ip("-6", "neigh", "show", "fd00:77::100", "dev", "vethB")
            if neighbour.contains("02:00:00:00:00:0a") { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(neighbour.contains("02:00:00:00:00:0a"), neighbour)
    }

    func testBadInputAndMissingInterfaceAreErrorsNotCrashes() throws {
        XCTAssertThrowsError(try a.enter { try Announcer(interface: "nosuch0") }) {
            XCTAssertTrue(String(describing: $0).contains("nosuch0"), String(describing: $0))
        }
        XCTAssertThrowsError(try Announcer(interface: "far-too-long-interface-name"))
        XCTAssertThrowsError(try ARPProbe(interface: ""))
        let announcer = try a.enter { try Announcer(interface: "vethA") }
        XCTAssertThrowsError(try announcer.announceIPv4([1, 2, 3])) {
            XCTAssertTrue(String(describing: $0).contains("vethA"))
        }
        XCTAssertThrowsError(try announcer.announceIPv6([1, 2, 3, 4]))
        announcer.close()
        announcer.close()
        XCTAssertThrowsError(try announcer.announceIPv4([10, 77, 0, 100])) {
            let text = String(describing: $0)
            XCTAssertTrue(text.contains("vethA") && text.contains("10.77.0.100"), text)
        }
    }

    func testARPProbeReturnsThePeerMAC() throws {
        let probe = try a.enter { try ARPProbe(interface: "vethA") }
        defer { probe.close() }
        let mac = try a.enter { try probe.probe(target: [10, 77, 0, 2], timeout: .seconds(1)) }
        XCTAssertEqual(mac, macB)
    }

    func testARPProbeWithoutSourceAddressProbesFromZero() throws {
        try a.ip("addr", "flush", "dev", "vethA")
        let probe = try a.enter { try ARPProbe(interface: "vethA") }
        let mac = try a.enter { try probe.probe(target: [10, 77, 0, 2], timeout: .seconds(1)) }
        XCTAssertEqual(mac, macB)
    }

    func testARPProbeTimesOutForAnAddressNobodyHas() throws {
        let probe = try a.enter { try ARPProbe(interface: "vethA") }
        let start = ContinuousClock.now
        let mac = try a.enter { try probe.probe(target: [10, 77, 0, 3], timeout: .milliseconds(300)) }
        let elapsed = ContinuousClock.now - start
        XCTAssertNil(mac)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300))
        XCTAssertLessThan(elapsed, .milliseconds(800))
        XCTAssertThrowsError(try probe.probe(target: [10, 77, 0], timeout: .milliseconds(10)))
    }
}

/// Just enough IPv6/ICMPv6 parsing to check a captured neighbour advertisement.
struct CapturedAdvertisement {
    var destinationMAC: [UInt8]
    var sourceMAC: [UInt8]
    var hopLimit: UInt8
    var flags: UInt8
    var targetLinkLayerAddress: [UInt8]?
    var checksumValid: Bool

    init?(frame f: [UInt8], target: [UInt8]) {
        guard f.count >= 14 + 40 + 24, f[12] == 0x86, f[13] == 0xDD, f[14 + 6] == 58 else { return nil }
        let icmp = 14 + 40
        let payloadLength = Int(f[14 + 4]) << 8 | Int(f[14 + 5])
        guard f[icmp] == 136, Array(f[icmp + 8..<icmp + 24]) == target,
              f.count >= icmp + payloadLength else { return nil }
        destinationMAC = Array(f[0..<6])
        sourceMAC = Array(f[6..<12])
        hopLimit = f[14 + 7]
        flags = f[icmp + 4]
        var option = icmp + 24
        targetLinkLayerAddress = nil
        while option + 8 <= icmp + payloadLength, f[option + 1] > 0 {
            if f[option] == 2 { targetLinkLayerAddress = Array(f[option + 2..<option + 8]) }
            option += Int(f[option + 1]) * 8
        }
        // Pseudo-header (source, destination, length, next header) + ICMPv6 message.
        var words: [UInt8] = Array(f[14 + 8..<14 + 40])
        words += [0, 0, UInt8(payloadLength >> 8), UInt8(payloadLength & 0xFF), 0, 0, 0, 58]
        words += Array(f[icmp..<icmp + payloadLength])
        if words.count % 2 == 1 { words.append(0) }
        var sum: UInt32 = 0
        for i in stride(from: 0, to: words.count, by: 2) { sum += UInt32(words[i]) << 8 | UInt32(words[i + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        checksumValid = sum == 0xFFFF
    }
}
