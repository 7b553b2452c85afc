import XCTest
import BasicTypes

final class IPAddressHostTests: XCTestCase {
    func testParsesAndFormatsIPv4() throws {
        let a = try XCTUnwrap(IPAddress("10.77.0.100"))
        XCTAssertEqual(a.bytes, [10, 77, 0, 100])
        XCTAssertTrue(a.isIPv4)
        XCTAssertEqual(a.description, "10.77.0.100")
    }

    func testParsesAndCanonicalisesIPv6() throws {
        let a = try XCTUnwrap(IPAddress("FD00:0:0:0::0064"))
        XCTAssertEqual(a.bytes.count, 16)
        XCTAssertFalse(a.isIPv4)
        XCTAssertEqual(a.description, "fd00::64")
        XCTAssertEqual(IPAddress("::ffff:10.0.0.1")?.bytes.count, 16)
    }

    func testRejectsBadText() {
        for text in ["", " ", "10.77.0", "10.77.0.256", "10.77.0.100/24", "fe80::1%eth0", "host.example",
                     "1.2.3.4.5", "::g", String(repeating: "1", count: 10_000), "10.77.0.1\0"] {
            XCTAssertNil(IPAddress(text), text)
        }
    }

    func testBytesInitialiserAcceptsOnlyFourOrSixteen() {
        XCTAssertNotNil(IPAddress(bytes: [1, 2, 3, 4]))
        XCTAssertNotNil(IPAddress(bytes: [UInt8](repeating: 0, count: 16)))
        for count in [0, 1, 3, 5, 6, 15, 17, 32] {
            XCTAssertNil(IPAddress(bytes: [UInt8](repeating: 1, count: count)), "\(count)")
        }
    }

    func testHashableEquality() {
        XCTAssertEqual(IPAddress("fd00::1"), IPAddress("fd00:0::1"))
        XCTAssertEqual(Set([IPAddress("10.0.0.1")!, IPAddress("10.0.0.1")!]).count, 1)
        XCTAssertNotEqual(IPAddress("10.0.0.1"), IPAddress("::ffff:10.0.0.1"))
    }

    func testMaskingAndSubnets() throws {
        let vip = try XCTUnwrap(IPAddress("10.77.0.100"))
        XCTAssertEqual(vip.masked(to: 24).description, "10.77.0.0")
        XCTAssertEqual(vip.masked(to: 20).description, "10.77.0.0")
        XCTAssertEqual(IPAddress("10.77.255.1")!.masked(to: 17).description, "10.77.128.0")
        XCTAssertEqual(vip.masked(to: 0).description, "0.0.0.0")
        XCTAssertEqual(vip.masked(to: 200), vip, "prefix clamped to 32")
        XCTAssertTrue(vip.subnetContains(IPAddress("10.77.0.11")!, prefixLength: 24))
        XCTAssertFalse(vip.subnetContains(IPAddress("10.77.1.11")!, prefixLength: 24))
        XCTAssertFalse(vip.subnetContains(IPAddress("fd00::1")!, prefixLength: 0), "families never mix")
        let v6 = try XCTUnwrap(IPAddress("fd00:1:2:3::64"))
        XCTAssertEqual(v6.masked(to: 64).description, "fd00:1:2:3::")
        XCTAssertTrue(v6.subnetContains(IPAddress("fd00:1:2:3::1")!, prefixLength: 64))
        XCTAssertFalse(v6.subnetContains(IPAddress("fd00:1:2:4::1")!, prefixLength: 64))
    }
}
