import AgentConfig
import XCTest

/// `externalGateway.logicalRouterPorts` and its shorthand `logicalRouterPort`.
final class RouterPortsValidationTests: XCTestCase {
    private func gatewayYAML(_ lines: String) -> String {
        """
        cluster: { authKeyFile: /etc/vip-agent/auth.key }
        externalGateway:
          nb: "tcp:10.0.0.1:6641"
          routerId: 60
        \(lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    func testNeitherKeyMeansTheDefaultVPCPort() {
        let gateway = expectValid(gatewayYAML(""))?.externalGateway
        XCTAssertEqual(gateway?.logicalRouterPorts, ["ovn-cluster-external"])
        XCTAssertEqual(gateway?.logicalRouterPort, "ovn-cluster-external")
    }

    func testTheShorthandIsAListOfOne() {
        let gateway = expectValid(gatewayYAML("logicalRouterPort: lrp-ext"))?.externalGateway
        XCTAssertEqual(gateway?.logicalRouterPorts, ["lrp-ext"])
        XCTAssertEqual(gateway?.logicalRouterPort, "lrp-ext")
    }

    func testSeveralPortsKeepTheirOrder() {
        let gateway = expectValid(gatewayYAML("logicalRouterPorts: [ovn-cluster-external, shalb-demo-ext-cloud]"))?
            .externalGateway
        XCTAssertEqual(gateway?.logicalRouterPorts, ["ovn-cluster-external", "shalb-demo-ext-cloud"])
        XCTAssertEqual(gateway?.logicalRouterPort, "ovn-cluster-external", "the first port stands for the shorthand")
        XCTAssertEqual(expectValid(gatewayYAML("logicalRouterPorts:\n  - a-ext\n  - b-ext\n  - c-ext"))?
                        .externalGateway?.logicalRouterPorts, ["a-ext", "b-ext", "c-ext"])
    }

    func testBothKeysAreOneProblemNamingBoth() {
        let problems = expectProblems(gatewayYAML("logicalRouterPort: a-ext\nlogicalRouterPorts: [a-ext, b-ext]"))
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertEqual(problems.first?.keyPath, "externalGateway.logicalRouterPorts")
        let message = problems.first?.message ?? ""
        XCTAssertTrue(message.contains("externalGateway.logicalRouterPort "), message)
        XCTAssertTrue(message.contains("externalGateway.logicalRouterPorts "), message)
        XCTAssertTrue(message.contains("not both"), message)
    }

    func testEmptyListAndNull() {
        expectSingleProblem(gatewayYAML("logicalRouterPorts: []"), at: "externalGateway.logicalRouterPorts",
                            containing: "needs at least one router port")
        expectSingleProblem(gatewayYAML("logicalRouterPorts:"), at: "externalGateway.logicalRouterPorts",
                            containing: "needs at least one router port")
        expectSingleProblem(gatewayYAML("logicalRouterPorts: a-ext"), at: "externalGateway.logicalRouterPorts",
                            containing: "expected a list")
    }

    func testEmptyNamesAtTheirElement() {
        expectSingleProblem(gatewayYAML("logicalRouterPorts: [a-ext, \"\"]"), at: "externalGateway.logicalRouterPorts[1]",
                            containing: "must not be empty")
        expectSingleProblem(gatewayYAML("logicalRouterPort: \"\""), at: "externalGateway.logicalRouterPort",
                            containing: "must not be empty")
    }

    func testDuplicatesNameTheFirstOccurrence() {
        expectSingleProblem(gatewayYAML("logicalRouterPorts: [a-ext, b-ext, a-ext]"),
                            at: "externalGateway.logicalRouterPorts[2]",
                            containing: "\"a-ext\" is listed twice (also externalGateway.logicalRouterPorts[0])")
    }

    func testTooLongAndWhitespaceNames() {
        let long = String(repeating: "p", count: FieldRules.maxRouterPortNameLength + 1)
        expectSingleProblem(gatewayYAML("logicalRouterPorts: [a-ext, \(long)]"), at: "externalGateway.logicalRouterPorts[1]",
                            containing: "is 254 characters; at most 253 allowed")
        expectSingleProblem(gatewayYAML("logicalRouterPort: \(long)"), at: "externalGateway.logicalRouterPort",
                            containing: "at most 253 allowed")
        XCTAssertNotNil(expectValid(gatewayYAML("logicalRouterPorts: [\(String(long.dropLast()))]")))
        expectSingleProblem(gatewayYAML("logicalRouterPorts: [\"a ext\"]"), at: "externalGateway.logicalRouterPorts[0]",
                            containing: "contains whitespace")
    }

    func testWrongElementTypeAndEveryProblemAtOnce() {
        expectSingleProblem(gatewayYAML("logicalRouterPorts: [a-ext, [b]]"), at: "externalGateway.logicalRouterPorts[1]",
                            containing: "expected a string")
        let problems = expectProblems(gatewayYAML("logicalRouterPorts: [\"\", a-ext, a-ext]"))
        XCTAssertEqual(problems.map(\.keyPath), ["externalGateway.logicalRouterPorts[0]",
                                                 "externalGateway.logicalRouterPorts[2]"])
    }

    func testAMisspeltListKeyIsSuggested() {
        expectSingleProblem(gatewayYAML("logicalRouterports: [a-ext]"), at: "externalGateway.logicalRouterports",
                            containing: "did you mean \"logicalRouterPorts\"?")
    }
}
