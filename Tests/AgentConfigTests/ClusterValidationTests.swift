import AgentConfig
import XCTest

final class ClusterValidationTests: XCTestCase {
    private func clusterYAML(_ lines: String) -> String {
        """
        cluster:
        \(lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        vips: [{ name: api, address: 10.77.0.100/24 }]
        """
    }

    func testPortRange() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\nport: 0"), at: "cluster.port",
                            containing: "0 is out of range; allowed 1..65535")
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\nport: 65536"), at: "cluster.port",
                            containing: "out of range")
        XCTAssertEqual(expectValid(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\nport: 65535"))?.cluster.port, 65535)
    }

    func testPeersMustBeAddresses() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\npeers: [10.0.0.1, m2.example]"),
                            at: "cluster.peers[1]", containing: "\"m2.example\" is not an IP address")
    }

    func testIPv6PeersAreAccepted() throws {
        let config = try XCTUnwrap(expectValid(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\npeers: [\"fd00::12\", \"fd00::13\"]")))
        XCTAssertEqual(config.cluster.peers.map(\.description), ["fd00::12", "fd00::13"])
    }

    func testDuplicatePeers() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\npeers: [10.0.0.1, 10.0.0.2, 10.0.0.1]"),
                            at: "cluster.peers[2]", containing: "listed twice (also cluster.peers[0])")
    }

    func testPeerEqualToBind() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\nbind: 10.0.0.1\npeers: [10.0.0.2, 10.0.0.1]"),
                            at: "cluster.peers[1]", containing: "own bind address")
    }

    func testPeerFamilyMustMatchBind() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\nbind: 10.0.0.1\npeers: [\"fd00::2\"]"),
                            at: "cluster.peers[0]", containing: "same address family")
    }

    func testBindMustBeAnAddress() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/auth.key\nbind: eth0"),
                            at: "cluster.bind", containing: "\"eth0\" is not an IP address")
    }

    func testAuthKeyFileRequiredUnlessInsecure() {
        expectSingleProblem(clusterYAML("port: 5450"), at: "cluster.authKeyFile",
                            containing: "required unless cluster.insecure is true")
        expectSingleProblem(clusterYAML("insecure: false"), at: "cluster.authKeyFile", containing: "required")
    }

    func testAuthKeyFileUnreadable() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/missing.key"), at: "cluster.authKeyFile",
                            containing: "cannot read /etc/vip-agent/missing.key: No such file or directory")
    }

    func testAuthKeyFileEmpty() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/empty.key"), at: "cluster.authKeyFile",
                            containing: "/etc/vip-agent/empty.key is empty")
        expectSingleProblem(clusterYAML("authKeyFile: \"\""), at: "cluster.authKeyFile", containing: "must not be empty")
    }

    func testAuthKeyTooShort() {
        expectSingleProblem(clusterYAML("authKeyFile: /etc/vip-agent/short.key"), at: "cluster.authKeyFile",
                            containing: "holds 8 bytes; at least 16 are required")
    }

    func testInsecureIgnoresTheKeyFile() {
        XCTAssertNotNil(expectValid(clusterYAML("insecure: true\nauthKeyFile: /etc/vip-agent/missing.key")))
    }

    func testRealFileReaderReportsDirectories() {
        XCTAssertThrowsError(try SystemAccess.readFile("/")) { error in
            XCTAssertEqual("\(error)", "cannot read /: not a regular file")
        }
        XCTAssertThrowsError(try SystemAccess.readFile("/nonexistent/file")) { error in
            XCTAssertEqual("\(error)", "cannot read /nonexistent/file: No such file or directory")
        }
    }
}
