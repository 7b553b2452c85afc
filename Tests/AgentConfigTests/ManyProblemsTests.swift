import AgentConfig
import XCTest

/// Every problem is reported in one pass, once each, in document order.
final class ManyProblemsTests: XCTestCase {
    func testFiveMistakesGiveFiveProblemsInDocumentOrder() {
        let problems = expectProblems("""
        cluster:
          port: 70000
          peers: [10.77.0.12, 10.77.0.300]
          authKeyFile: /etc/vip-agent/auth.key
        vips:
          - name: api
            address: 10.77.0.100/24
            interface: enp94s0f0np0.884
            checks: [apiserver]
          - name: ingress
            address: 10.77.0.101/24
            priorty: 120
        healthChecks:
          - name: apiserver
            tcp: { address: "127.0.0.1:6443" }
            interval: 1
        """)
        XCTAssertEqual(problems.map(\.description), [
            "cluster.port: 70000 is out of range; allowed 1..65535",
            "cluster.peers[1]: \"10.77.0.300\" is not an IP address",
            "vips[0].interface: \"enp94s0f0np0.884\" is 16 characters; Linux allows 15",
            "vips[1].priorty: unknown key; did you mean \"priority\"?",
            "healthChecks[0].interval: \"1\" is not a duration: a unit is required, e.g. \"1s\" or \"1ms\"",
        ])
    }

    func testCrossSectionProblemsSortIntoDocumentOrder() {
        let problems = expectProblems("""
        vips:
          - name: api
            address: 10.77.0.100/24
            checks: [missing]
        cluster:
          authKeyFile: /etc/vip-agent/short.key
        """)
        XCTAssertEqual(problems.map(\.keyPath), ["vips[0].checks[0]", "cluster.authKeyFile"])
    }

    func testProblemsDescriptionIsOnePerLine() {
        let problems = ConfigProblems(problems: [
            ConfigProblem(keyPath: "a", message: "x"), ConfigProblem(keyPath: "b[0]", message: "y"),
        ])
        XCTAssertEqual(problems.description, "a: x\nb[0]: y")
    }
}
