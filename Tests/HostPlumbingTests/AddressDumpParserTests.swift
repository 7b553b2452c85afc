import BasicTypes
import XCTest
@testable import HostPlumbing

/// RTM_GETADDR replies parsed without a kernel; short and hostile buffers are errors, not traps.
final class AddressDumpParserTests: XCTestCase {
    private func attribute(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
        var out = le16(UInt16(4 + value.count)) + le16(type) + value
        while out.count % 4 != 0 { out.append(0) }
        return out
    }

    private func message(_ type: UInt16, _ body: [UInt8]) -> [UInt8] {
        le32(UInt32(16 + body.count)) + le16(type) + le16(2) + le32(1) + le32(0) + body
    }

    private func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
    private func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }

    private func newAddress(family: UInt8, prefix: UInt8, index: UInt32, attributes: [UInt8]) -> [UInt8] {
        message(20, [family, prefix, 0x80, 0] + le32(index) + attributes)
    }

    func testAddressesWithProtocolLabelAndFlags() throws {
        let v4 = newAddress(family: 2, prefix: 32, index: 3, attributes:
            attribute(1, [10, 77, 0, 100]) + attribute(2, [10, 77, 0, 100]) + attribute(3, Array("eth0:vip".utf8) + [0])
            + attribute(8, le32(0x280)) + attribute(11, [0x76]))
        let v6 = newAddress(family: 10, prefix: 64, index: 4, attributes: attribute(1, [0xfd] + [UInt8](repeating: 0, count: 14) + [0x11]))
        var records: [AddressRecord] = []
        XCTAssertEqual(try AddressDumpParser.parse(v4 + v6, into: &records), .more)
        XCTAssertEqual(try AddressDumpParser.parse(message(3, le32(0)), into: &records), .done)
        XCTAssertEqual(records, [
            AddressRecord(interfaceIndex: 3, address: IPAddress("10.77.0.100")!, prefixLength: 32, flags: 0x280,
                          label: "eth0:vip", proto: 0x76),
            AddressRecord(interfaceIndex: 4, address: IPAddress("fd00::11")!, prefixLength: 64, flags: 0x80),
        ])
    }

    func testKernelErrorsAndMalformedBuffersAreErrors() {
        var records: [AddressRecord] = []
        XCTAssertThrowsError(try AddressDumpParser.parse(message(2, le32(UInt32(bitPattern: -1))), into: &records)) {
            XCTAssertEqual($0 as? AddressDumpParser.Failure, .kernel(1))
        }
        let good = newAddress(family: 2, prefix: 32, index: 3, attributes: attribute(2, [10, 77, 0, 100]))
        // Every truncation of a valid message, and a lying attribute length: errors or skips, never a trap.
        for cut in 1..<good.count {
            _ = try? AddressDumpParser.parse(Array(good.prefix(cut)), into: &records)
        }
        var lying = good
        lying[16 + 8] = 0xFF  // attribute length beyond the message
        XCTAssertThrowsError(try AddressDumpParser.parse(lying, into: &records))
        XCTAssertTrue(records.isEmpty)
    }

    func testTheMarkIsRecognisedAndTheNodesAddressNever() {
        let vip = IPAddress("10.77.0.100")!
        func r(_ prefix: UInt8, flags: UInt32 = 0, label: String? = nil, proto: UInt8? = nil) -> AddressRecord {
            AddressRecord(interfaceIndex: 1, address: vip, prefixLength: prefix, flags: flags, label: label, proto: proto)
        }
        XCTAssertTrue(AddressMark.isAgentCopy(r(32, proto: AddressMark.proto), interfaceName: "eth0"))
        XCTAssertTrue(AddressMark.isAgentCopy(r(32, label: "eth0:vip"), interfaceName: "eth0"))
        XCTAssertTrue(AddressMark.isAgentCopy(r(32, flags: AddressFlags.noPrefixRoute), interfaceName: "eth0"),
                      "the shape agents without the mark left")
        XCTAssertFalse(AddressMark.isAgentCopy(r(24, proto: AddressMark.proto), interfaceName: "eth0"),
                       "an address with its subnet prefix is the node's")
        XCTAssertFalse(AddressMark.isAgentCopy(r(32, flags: AddressFlags.noPrefixRoute, proto: 5), interfaceName: "eth0"))
        XCTAssertFalse(AddressMark.isAgentCopy(r(32), interfaceName: "eth0"), "a plain static /32")
        XCTAssertFalse(AddressMark.isAgentCopy(r(32, label: "eth1:vip"), interfaceName: "eth0"))
        XCTAssertEqual(AddressMark.label(for: "eth0"), "eth0:vip")
        XCTAssertNil(AddressMark.label(for: "enp94s0f0np0.88"), "15 characters leave no room")
    }
}
