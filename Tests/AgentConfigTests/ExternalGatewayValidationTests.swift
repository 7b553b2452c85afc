import AgentConfig
import XCTest

final class ExternalGatewayValidationTests: XCTestCase {
    private func gatewayYAML(_ lines: String) -> String {
        """
        cluster: { authKeyFile: /etc/vip-agent/auth.key }
        healthChecks: [{ name: uplink, arp: { target: 10.4.19.1, interface: br-external } }]
        externalGateway:
        \(lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    func testFullGateway() throws {
        let config = try XCTUnwrap(expectValid(gatewayYAML("""
        nb: "ssl:192.168.0.2:6641, ssl:192.168.0.3:6641"
        tls: { caFile: /etc/vip-agent/ovn-ca.crt, certFile: /etc/vip-agent/ovn.crt, keyFile: /etc/vip-agent/ovn.key }
        logicalRouterPort: lrp-ext
        chassis: 5d1c3b6e-chassis
        routerId: 60
        priority: 200
        nic: enp8s0
        checks: [uplink]
        minHoldTime: 10s
        advertInterval: 200ms
        preempt: false
        """)))
        XCTAssertEqual(config.externalGateway, ExternalGatewayConfig(
            nb: ["ssl:192.168.0.2:6641", "ssl:192.168.0.3:6641"],
            tls: TLSFiles(caFile: "/etc/vip-agent/ovn-ca.crt", certFile: "/etc/vip-agent/ovn.crt",
                          keyFile: "/etc/vip-agent/ovn.key"),
            logicalRouterPorts: ["lrp-ext"], chassis: "5d1c3b6e-chassis", routerId: 60, priority: 200,
            nic: "enp8s0", checks: ["uplink"], minHoldTime: .seconds(10), advertInterval: .milliseconds(200),
            preempt: false))
    }

    func testNbAsAList() {
        XCTAssertEqual(expectValid(gatewayYAML("nb: [\"tcp:10.0.0.1:6641\", \"unix:/run/ovn/nb.sock\"]\nrouterId: 60"))?
                        .externalGateway?.nb, ["tcp:10.0.0.1:6641", "unix:/run/ovn/nb.sock"])
    }

    func testNbEntries() {
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641,http:10.0.0.2:80\"\nrouterId: 60"),
                            at: "externalGateway.nb[1]", containing: "is not an OVSDB remote")
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1\"\nrouterId: 60"),
                            at: "externalGateway.nb[0]", containing: "expected tcp:host:port")
        expectSingleProblem(gatewayYAML("nb: \"unix:relative.sock\"\nrouterId: 60"),
                            at: "externalGateway.nb[0]", containing: "absolute path")
        expectSingleProblem(gatewayYAML("nb: \"\"\nrouterId: 60"), at: "externalGateway.nb", containing: "at least one remote")
        expectSingleProblem(gatewayYAML("routerId: 60"), at: "externalGateway.nb", containing: "required")
    }

    func testSSLNeedsTLS() {
        expectSingleProblem(gatewayYAML("nb: \"ssl:10.0.0.1:6641\"\nrouterId: 60"),
                            at: "externalGateway.tls", containing: "required for ssl: remotes")
        expectSingleProblem(gatewayYAML("nb: \"ssl:10.0.0.1:6641\"\nrouterId: 60\ntls: { caFile: /etc/vip-agent/ovn-ca.crt, certFile: /etc/vip-agent/ovn.crt }"),
                            at: "externalGateway.tls.keyFile", containing: "required")
        expectSingleProblem(gatewayYAML("nb: \"ssl:10.0.0.1:6641\"\nrouterId: 60\ntls: { caFile: /x/ca, certFile: /etc/vip-agent/ovn.crt, keyFile: /etc/vip-agent/ovn.key }"),
                            at: "externalGateway.tls.caFile", containing: "cannot read /x/ca")
    }

    func testRouterIdRequiredAndRanged() {
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\""), at: "externalGateway.routerId", containing: "required")
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 300"), at: "externalGateway.routerId",
                            containing: "allowed 1..255")
    }

    func testPriorityNicChecksDurations() {
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 60\npriority: 255"),
                            at: "externalGateway.priority", containing: "allowed 1..254")
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 60\nnic: enp94s0f0np0.884"),
                            at: "externalGateway.nic", containing: "is 16 characters; Linux allows 15")
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 60\nchecks: [uplink, downlink]"),
                            at: "externalGateway.checks[1]", containing: "unknown health check \"downlink\"")
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 60\nminHoldTime: 5"),
                            at: "externalGateway.minHoldTime", containing: "a unit is required")
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 60\nadvertInterval: 1ms"),
                            at: "externalGateway.advertInterval", containing: "allowed 10ms..10s")
    }

    func testUnknownGatewayKey() {
        expectSingleProblem(gatewayYAML("nb: \"tcp:10.0.0.1:6641\"\nrouterId: 60\nlogicalRouterport: x"),
                            at: "externalGateway.logicalRouterport", containing: "did you mean \"logicalRouterPort\"?")
    }
}
