import AgentConfig
import XCTest

/// Syntax, unknown keys, types and the top level.
final class DocumentValidationTests: XCTestCase {
    func testSyntaxErrorNamesItsLine() {
        let problems = expectProblems("cluster:\n  port: 5450\n  peers: [10.0.0.1\nvips: []\n")
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.keyPath, "")
        XCTAssertTrue(problems.first?.message.hasPrefix("YAML syntax error at line 4") ?? false,
                      problems.first?.message ?? "")
    }

    func testTabIndentationIsASyntaxError() {
        let problems = expectProblems("cluster:\n\tport: 5450\n")
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].message.contains("line 2"), problems[0].message)
    }

    func testEmptyDocumentNeedsVIPsAndKey() {
        XCTAssertEqual(expectProblems("").map(\.description), [
            "cluster.authKeyFile: required unless cluster.insecure is true",
            "vips: at least one VIP is required",
        ])
    }

    func testTopLevelMustBeAMapping() {
        let problems = expectProblems("- a\n- b\n")
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems[0].keyPath, "")
        XCTAssertTrue(problems[0].message.contains("expected a mapping"), problems[0].message)
    }

    func testUnknownTopLevelKeySuggestsNearest() {
        expectSingleProblem(minimalYAML + "\nhealthCheck: []", at: "healthCheck", containing: "did you mean \"healthChecks\"?")
    }

    func testUnknownNestedKeysAtEveryLevel() {
        expectSingleProblem(minimalYAML + "\nannounce: { garpcount: 3 }",
                            at: "announce.garpcount", containing: "did you mean \"garpCount\"?")
        expectSingleProblem(checkYAML("- { name: a, https: { url: \"https://x/\", caFlie: /etc/vip-agent/ca.crt } }"),
                            at: "healthChecks[0].https.caFlie", containing: "did you mean \"caFile\"?")
    }

    func testSnakeCaseKeySuggestsCamelCase() {
        expectSingleProblem("""
        cluster: { auth_key_file: /etc/vip-agent/auth.key, insecure: true }
        vips: [{ name: api, address: 10.77.0.100/24 }]
        """, at: "cluster.auth_key_file", containing: "did you mean \"authKeyFile\"?")
    }

    func testUnrelatedUnknownKeyListsKnownKeys() {
        expectSingleProblem(minimalYAML + "\nwhatever: 1", at: "whatever", containing: "expected one of node, cluster")
    }

    func testDuplicateKeyIsReported() {
        expectSingleProblem("""
        cluster:
          authKeyFile: /etc/vip-agent/auth.key
          port: 1
          port: 2
        vips: [{ name: api, address: 10.77.0.100/24 }]
        """, at: "cluster.port", containing: "duplicate key (first at line 3)")
    }

    func testWrongTypes() {
        expectSingleProblem(minimalYAML + "\nannounce: { garpCount: many }", at: "announce.garpCount",
                            containing: "expected an integer, got \"many\"")
        expectSingleProblem(vipYAML("preempt: sometimes"), at: "vips[0].preempt", containing: "expected true or false")
        expectSingleProblem(vipYAML("checks: apiserver"), at: "vips[0].checks", containing: "expected a list")
        expectSingleProblem(vipYAML("interface: { name: eno1 }"), at: "vips[0].interface",
                            containing: "expected a string, got a mapping")
        expectSingleProblem(minimalYAML + "\nstatus: [a]", at: "status", containing: "expected a mapping")
        expectSingleProblem(minimalYAML + "\nstartupGrace: 60", at: "startupGrace", containing: "a unit is required")
    }

    func testNodeName() {
        expectSingleProblem("node: \"\"\n" + minimalYAML, at: "node", containing: "must not be empty")
        let long = String(repeating: "n", count: 64)
        expectSingleProblem("node: \(long)\n" + minimalYAML, at: "node", containing: "64 characters; at most 63")
        XCTAssertNotNil(expectValid("node: \(String(repeating: "n", count: 63))\n" + minimalYAML))
    }

    func testUnusableHostNameAsksForNode() {
        let problems = expectProblems(minimalYAML, host: "")
        XCTAssertEqual(problems.map(\.keyPath), ["node"])
        XCTAssertTrue(problems[0].message.contains("host name"), problems[0].message)
    }

    func testStartupGraceMustBeADuration() {
        expectSingleProblem(minimalYAML + "\nstartupGrace: -5s", at: "startupGrace", containing: "negative")
    }
}
