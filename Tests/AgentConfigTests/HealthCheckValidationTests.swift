import BasicTypes
import AgentConfig
import XCTest

final class HealthCheckValidationTests: XCTestCase {
    func testEachKindParses() throws {
        let config = try XCTUnwrap(expectValid(checkYAML("""
        - name: web
          https: { url: "https://127.0.0.1:6443/readyz", insecureSkipVerify: true, certFile: /etc/vip-agent/ovn.crt, keyFile: /etc/vip-agent/ovn.key }
        - name: port
          tcp: { address: "[::1]:6443" }
        - name: script
          exec: { command: ["/usr/bin/test", "-f", "/tmp/x"] }
        - name: gw
          arp: { target: 10.4.19.1, interface: br-external }
        """)))
        XCTAssertEqual(config.healthChecks.map(\.kind), [
            .https(url: "https://127.0.0.1:6443/readyz", caFile: nil, insecureSkipVerify: true,
                   certFile: "/etc/vip-agent/ovn.crt", keyFile: "/etc/vip-agent/ovn.key"),
            .tcp(address: "[::1]:6443"),
            .exec(command: ["/usr/bin/test", "-f", "/tmp/x"]),
            .arp(target: IPAddress("10.4.19.1")!, interface: "br-external"),
        ])
        XCTAssertEqual(config.healthChecks.map(\.kind.keyword), ["https", "tcp", "exec", "arp"])
    }

    func testNameRequired() {
        expectSingleProblem(checkYAML("- { tcp: { address: \"127.0.0.1:1\" } }"), at: "healthChecks[0].name", containing: "required")
    }

    func testExactlyOneKind() {
        expectSingleProblem(checkYAML("- { name: a, interval: 1s }"), at: "healthChecks[0]",
                            containing: "needs one kind: https, tcp, exec, arp")
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, exec: { command: [/bin/true] } }"),
                            at: "healthChecks[0].exec", containing: "exactly one kind; this one also has tcp")
    }

    func testDuplicateNames() {
        expectSingleProblem(checkYAML("""
        - { name: a, tcp: { address: "127.0.0.1:1" } }
        - { name: a, tcp: { address: "127.0.0.1:2" } }
        """), at: "healthChecks[1].name", containing: "\"a\" is already defined by healthChecks[0]")
    }

    func testRiseAndFallAtLeastOne() {
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, rise: 0 }"),
                            at: "healthChecks[0].rise", containing: "allowed 1..")
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, fall: -1 }"),
                            at: "healthChecks[0].fall", containing: "allowed 1..")
    }

    func testTimeoutNotLongerThanInterval() {
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, interval: 300ms, timeout: 500ms }"),
                            at: "healthChecks[0].timeout", containing: "timeout 500ms is longer than interval 300ms")
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, interval: 200ms }"),
                            at: "healthChecks[0].interval", containing: "timeout 500ms is longer than interval 200ms")
        XCTAssertNotNil(expectValid(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, interval: 500ms, timeout: 500ms }")))
    }

    func testBadDurations() {
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:1\" }, interval: 1x }"),
                            at: "healthChecks[0].interval", containing: "unknown unit \"x\"")
    }

    func testHTTPSURL() {
        expectSingleProblem(checkYAML("- { name: a, https: { url: \"http://127.0.0.1:6443/readyz\" } }"),
                            at: "healthChecks[0].https.url", containing: "is not an https:// URL")
        expectSingleProblem(checkYAML("- { name: a, https: { url: \"https://\" } }"),
                            at: "healthChecks[0].https.url", containing: "is not an https:// URL")
        expectSingleProblem(checkYAML("- { name: a, https: { caFile: /etc/vip-agent/ca.crt } }"),
                            at: "healthChecks[0].https.url", containing: "required")
    }

    func testHTTPSFiles() {
        expectSingleProblem(checkYAML("- { name: a, https: { url: \"https://x/\", caFile: /nope/ca.crt } }"),
                            at: "healthChecks[0].https.caFile", containing: "cannot read /nope/ca.crt")
        expectSingleProblem(checkYAML("- { name: a, https: { url: \"https://x/\", certFile: /etc/vip-agent/ovn.crt } }"),
                            at: "healthChecks[0].https.keyFile", containing: "required together with certFile")
    }

    func testTCPAddress() {
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1\" } }"),
                            at: "healthChecks[0].tcp.address", containing: "is not host:port")
        expectSingleProblem(checkYAML("- { name: a, tcp: { address: \"127.0.0.1:0\" } }"),
                            at: "healthChecks[0].tcp.address", containing: "is not host:port")
    }

    func testExecCommand() {
        expectSingleProblem(checkYAML("- { name: a, exec: { command: [] } }"),
                            at: "healthChecks[0].exec.command", containing: "must name a program")
        expectSingleProblem(checkYAML("- { name: a, exec: {} }"),
                            at: "healthChecks[0].exec.command", containing: "required")
        expectSingleProblem(checkYAML("- { name: a, exec: { command: [\"\"] } }"),
                            at: "healthChecks[0].exec.command[0]", containing: "must not be empty")
        expectSingleProblem(checkYAML("- { name: a, exec: { command: /bin/true } }"),
                            at: "healthChecks[0].exec.command", containing: "expected a list")
    }

    func testARPTarget() {
        expectSingleProblem(checkYAML("- { name: a, arp: { target: \"fd00::1\", interface: eth0 } }"),
                            at: "healthChecks[0].arp.target", containing: "is not an IPv4 address")
        expectSingleProblem(checkYAML("- { name: a, arp: { target: 10.0.0.1 } }"),
                            at: "healthChecks[0].arp.interface", containing: "required")
        expectSingleProblem(checkYAML("- { name: a, arp: { target: 10.0.0.1, interface: averyveryverylongname } }"),
                            at: "healthChecks[0].arp.interface", containing: "Linux allows 15")
    }

    func testBrokenCheckIsNotReportedAgainAsUnknownReference() {
        let problems = expectProblems(checkYAML("- { name: api, tcp: { address: nowhere } }", vipChecks: "[api]"))
        XCTAssertEqual(problems.map(\.keyPath), ["healthChecks[0].tcp.address"])
    }
}
