import AgentConfig
import XCTest

final class HostPortTests: XCTestCase {
    func testHostPort() {
        XCTAssertEqual(HostPort("127.0.0.1:9450"), HostPort(host: "127.0.0.1", port: 9450))
        XCTAssertEqual(HostPort("[fd00::1]:443"), HostPort(host: "fd00::1", port: 443))
        XCTAssertEqual(HostPort("[fd00::1]:443")?.description, "[fd00::1]:443")
        XCTAssertEqual(HostPort("localhost:1")?.host, "localhost")
        for bad in ["", ":9450", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "fd00::1:443",
                    "[fd00::1]443", "[10.0.0.1]:1", "a b:1", "host:+1"] {
            XCTAssertNil(HostPort(bad), bad)
        }
    }
}
