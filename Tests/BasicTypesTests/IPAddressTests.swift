import BasicTypes
import XCTest

final class IPAddressTests: XCTestCase {
    func testParsing() {
        XCTAssertEqual(IPAddress("10.77.0.100")?.bytes, [10, 77, 0, 100])
        XCTAssertEqual(IPAddress("10.77.0.100")?.isIPv4, true)
        XCTAssertEqual(IPAddress("fd00::1")?.bytes, [0xFD, 0] + Array(repeating: 0, count: 13) + [1])
        XCTAssertEqual(IPAddress("fd00::1")?.isIPv4, false)
        XCTAssertEqual(IPAddress("::ffff:10.0.0.1")?.bytes.count, 16)
        for bad in ["", "10.0.0", "10.0.0.256", "10.0.0.1/24", "fd00::1%eth0", "m1", " 10.0.0.1", "1.2.3.4.5", "fd00:::1", "10.0.0.1\0"] {
            XCTAssertNil(IPAddress(bad), bad)
        }
    }

    func testCanonicalDescription() {
        XCTAssertEqual(IPAddress("10.77.0.100")?.description, "10.77.0.100")
        XCTAssertEqual(IPAddress("FD00:0:0:0:0:0:0:0001")?.description, "fd00::1")
        XCTAssertEqual(IPAddress(bytes: [192, 168, 1, 1])?.description, "192.168.1.1")
        XCTAssertNil(IPAddress(bytes: [1, 2, 3]))
    }

    func testSubnetMembership() {
        let net = IPAddress("10.77.0.0")!
        XCTAssertTrue(IPAddress("10.77.0.100")!.isInSubnet(of: net, prefixLength: 24))
        XCTAssertFalse(IPAddress("10.77.1.100")!.isInSubnet(of: net, prefixLength: 24))
        XCTAssertTrue(IPAddress("10.77.1.100")!.isInSubnet(of: net, prefixLength: 23))
        XCTAssertTrue(IPAddress("10.77.0.127")!.isInSubnet(of: IPAddress("10.77.0.100")!, prefixLength: 25))
        XCTAssertFalse(IPAddress("10.77.0.128")!.isInSubnet(of: IPAddress("10.77.0.100")!, prefixLength: 25))
        XCTAssertTrue(IPAddress("1.2.3.4")!.isInSubnet(of: IPAddress("9.9.9.9")!, prefixLength: 0))
        XCTAssertTrue(IPAddress("10.0.0.1")!.isInSubnet(of: IPAddress("10.0.0.1")!, prefixLength: 32))
        XCTAssertFalse(IPAddress("10.0.0.1")!.isInSubnet(of: IPAddress("10.0.0.2")!, prefixLength: 32))
        XCTAssertFalse(IPAddress("10.0.0.1")!.isInSubnet(of: IPAddress("10.0.0.2")!, prefixLength: 200))
        XCTAssertTrue(IPAddress("fd00::1:2")!.isInSubnet(of: IPAddress("fd00::")!, prefixLength: 64))
        XCTAssertFalse(IPAddress("fd01::1")!.isInSubnet(of: IPAddress("fd00::")!, prefixLength: 16))
        XCTAssertFalse(IPAddress("::a00:1")!.isInSubnet(of: IPAddress("10.0.0.0")!, prefixLength: 8), "families differ")
    }

    func testOrdering() {
        XCTAssertLessThan(IPAddress("10.0.0.9")!, IPAddress("10.0.0.10")!)
        XCTAssertLessThan(IPAddress("255.255.255.255")!, IPAddress("::")!)
    }
}
