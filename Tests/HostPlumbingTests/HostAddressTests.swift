import XCTest
import HostPlumbing

final class HostAddressTests: XCTestCase {
    func testParsesAndFormatsIPv4() throws {
        let a = try XCTUnwrap(HostAddress("10.77.0.100"))
        XCTAssertEqual(a.bytes, [10, 77, 0, 100])
        XCTAssertTrue(a.isIPv4)
        XCTAssertEqual(a.description, "10.77.0.100")
    }

    func testParsesAndCanonicalisesIPv6() throws {
        let a = try XCTUnwrap(HostAddress("FD00:0:0:0::0064"))
        XCTAssertEqual(a.bytes.count, 16)
        XCTAssertFalse(a.isIPv4)
        XCTAssertEqual(a.description, "fd00::64")
        XCTAssertEqual(HostAddress("::ffff:10.0.0.1")?.bytes.count, 16)
    }

    func testRejectsBadText() {
        for text in ["", " ", "10.77.0", "10.77.0.256", "10.77.0.100/24", "fe80::1%eth0", "host.example",
                     "1.2.3.4.5", "::g", String(repeating: "1", count: 10_000), "10.77.0.1\0"] {
            XCTAssertNil(HostAddress(text), text)
        }
    }

    func testBytesInitialiserAcceptsOnlyFourOrSixteen() {
        XCTAssertNotNil(HostAddress(bytes: [1, 2, 3, 4]))
        XCTAssertNotNil(HostAddress(bytes: [UInt8](repeating: 0, count: 16)))
        for count in [0, 1, 3, 5, 6, 15, 17, 32] {
            XCTAssertNil(HostAddress(bytes: [UInt8](repeating: 1, count: count)), "\(count)")
        }
    }

    func testHashableEquality() {
        XCTAssertEqual(HostAddress("fd00::1"), HostAddress("fd00:0::1"))
        XCTAssertEqual(Set([HostAddress("10.0.0.1")!, HostAddress("10.0.0.1")!]).count, 1)
        XCTAssertNotEqual(HostAddress("10.0.0.1"), HostAddress("::ffff:10.0.0.1"))
    }

    func testMaskingAndSubnets() throws {
        let vip = try XCTUnwrap(HostAddress("10.77.0.100"))
        XCTAssertEqual(vip.masked(to: 24).description, "10.77.0.0")
        XCTAssertEqual(vip.masked(to: 20).description, "10.77.0.0")
        XCTAssertEqual(HostAddress("10.77.255.1")!.masked(to: 17).description, "10.77.128.0")
        XCTAssertEqual(vip.masked(to: 0).description, "0.0.0.0")
        XCTAssertEqual(vip.masked(to: 200), vip, "prefix clamped to 32")
        XCTAssertTrue(vip.subnetContains(HostAddress("10.77.0.11")!, prefixLength: 24))
        XCTAssertFalse(vip.subnetContains(HostAddress("10.77.1.11")!, prefixLength: 24))
        XCTAssertFalse(vip.subnetContains(HostAddress("fd00::1")!, prefixLength: 0), "families never mix")
        let v6 = try XCTUnwrap(HostAddress("fd00:1:2:3::64"))
        XCTAssertEqual(v6.masked(to: 64).description, "fd00:1:2:3::")
        XCTAssertTrue(v6.subnetContains(HostAddress("fd00:1:2:3::1")!, prefixLength: 64))
        XCTAssertFalse(v6.subnetContains(HostAddress("fd00:1:2:4::1")!, prefixLength: 64))
    }
}
