import BasicTypes
import AgentConfig
import XCTest

final class VIPValidationTests: XCTestCase {
    private let header = "cluster: { authKeyFile: /etc/vip-agent/auth.key }\n"

    func testRequiredNameAndAddress() {
        XCTAssertEqual(expectProblems(header + "vips: [{ interface: eno1 }]").map(\.description), [
            "vips[0].name: required",
            "vips[0].address: required",
        ])
    }

    func testNoVIPsAndNoGateway() {
        expectSingleProblem(header + "vips: []", at: "vips", containing: "at least one VIP is required")
        expectSingleProblem(header, at: "vips", containing: "at least one VIP is required")
    }

    func testAddressMustBeAnIPWithPrefix() {
        expectSingleProblem(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "api.example/24"),
                            at: "vips[0].address", containing: "is not an IP address with a prefix length")
        expectSingleProblem(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "10.77.0.100"),
                            at: "vips[0].address", containing: "has no prefix length; write e.g. 10.77.0.100/24")
        expectSingleProblem(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "10.77.0.100/33"),
                            at: "vips[0].address", containing: "allowed /0../32 for IPv4")
        expectSingleProblem(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "\"fd00::1/129\""),
                            at: "vips[0].address", containing: "allowed /0../128 for IPv6")
        expectSingleProblem(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "10.77.0.100/"),
                            at: "vips[0].address", containing: "out of range")
        expectSingleProblem(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "10.77.0.100/-1"),
                            at: "vips[0].address", containing: "out of range")
        XCTAssertEqual(expectValid(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "\"fd00::100/128\""))?
                        .vips[0].prefixLength, 128)
        XCTAssertEqual(expectValid(vipYAML("").replacingOccurrences(of: "10.77.0.100/24", with: "10.77.0.100/0"))?
                        .vips[0].prefixLength, 0)
    }

    func testInterfaceNames() {
        expectSingleProblem(vipYAML("interface: enp94s0f0np0.884"), at: "vips[0].interface",
                            containing: "\"enp94s0f0np0.884\" is 16 characters; Linux allows 15")
        XCTAssertEqual(expectProblems(vipYAML("interface: enp94s0f0np0.884")).first?.description,
                       "vips[0].interface: \"enp94s0f0np0.884\" is 16 characters; Linux allows 15")
        expectSingleProblem(vipYAML("interface: \"\""), at: "vips[0].interface", containing: "must not be empty")
        expectSingleProblem(vipYAML("interface: eth/0"), at: "vips[0].interface", containing: "contains '/'")
        expectSingleProblem(vipYAML("interface: \"eth 0\""), at: "vips[0].interface", containing: "whitespace")
        XCTAssertEqual(expectValid(vipYAML("interface: auto"))?.vips[0].interface, "auto")
        XCTAssertEqual(expectValid(vipYAML("interface: enp94s0f0np0.88"))?.vips[0].interface, "enp94s0f0np0.88")
    }

    func testDuplicateNames() {
        expectSingleProblem(header + "vips: [{ name: api, address: 10.0.0.1/24 }, { name: api, address: 10.0.0.2/24 }]",
                            at: "vips[1].name", containing: "\"api\" is already the name of vips[0]")
    }

    func testNameCharacters() {
        expectSingleProblem(header + "vips: [{ name: \"my api\", address: 10.0.0.1/24 }]", at: "vips[0].name",
                            containing: "may only contain")
    }

    func testDuplicateAddresses() {
        expectSingleProblem(header + "vips: [{ name: a, address: 10.0.0.1/24 }, { name: b, address: 10.0.0.1/16 }]",
                            at: "vips[1].address", containing: "already the address of vips[0]")
    }

    func testDuplicateRouterIds() {
        expectSingleProblem(header + """
        vips:
          - { name: a, address: 10.0.0.1/24, routerId: 7 }
          - { name: b, address: 10.0.0.2/24, routerId: 7 }
        """, at: "vips[1].routerId", containing: "7 is already used by vips[0].routerId")
    }

    func testExplicitRouterIdCollidingWithADefault() {
        expectSingleProblem(header + """
        vips:
          - { name: a, address: 10.0.0.1/24 }
          - { name: b, address: 10.0.0.2/24, routerId: 1 }
        """, at: "vips[1].routerId", containing: "1 is already used by vips[0].routerId")
    }

    func testDefaultRouterIdCollidingWithGateway() {
        expectSingleProblem(header + """
        vips: [{ name: a, address: 10.0.0.1/24 }]
        externalGateway: { nb: "tcp:10.0.0.9:6641", routerId: 1 }
        """, at: "externalGateway.routerId", containing: "1 is already used by vips[0].routerId")
        expectSingleProblem(header + """
        externalGateway: { nb: "tcp:10.0.0.9:6641", routerId: 2 }
        vips: [{ name: a, address: 10.0.0.1/24, routerId: 2 }]
        """, at: "externalGateway.routerId", containing: "2 is already used by vips[0].routerId")
    }

    func testRouterIdRange() {
        expectSingleProblem(vipYAML("routerId: 0"), at: "vips[0].routerId", containing: "allowed 1..255")
        expectSingleProblem(vipYAML("routerId: 256"), at: "vips[0].routerId", containing: "allowed 1..255")
        XCTAssertEqual(expectValid(vipYAML("routerId: 255"))?.vips[0].routerId, 255)
    }

    func testPriorityRange() {
        expectSingleProblem(vipYAML("priority: 0"), at: "vips[0].priority", containing: "allowed 1..254")
        expectSingleProblem(vipYAML("priority: 255"), at: "vips[0].priority", containing: "allowed 1..254")
        XCTAssertEqual(expectValid(vipYAML("priority: 254"))?.vips[0].priority, 254)
    }

    func testAdvertIntervalRange() {
        expectSingleProblem(vipYAML("advertInterval: 9ms"), at: "vips[0].advertInterval", containing: "allowed 10ms..10s")
        expectSingleProblem(vipYAML("advertInterval: 11s"), at: "vips[0].advertInterval", containing: "allowed 10ms..10s")
        XCTAssertEqual(expectValid(vipYAML("advertInterval: 10ms"))?.vips[0].advertInterval, .milliseconds(10))
        XCTAssertEqual(expectValid(vipYAML("advertInterval: 10s"))?.vips[0].advertInterval, .seconds(10))
    }

    func testPreemptDelayAndStepDownHold() {
        expectSingleProblem(vipYAML("preemptDelay: -1s"), at: "vips[0].preemptDelay", containing: "negative")
        expectSingleProblem(vipYAML("preemptDelay: soon"), at: "vips[0].preemptDelay", containing: "not a duration")
        let config = expectValid(vipYAML("preemptDelay: 1m30s\nstepDownHold: 5m\npreempt: false"))
        XCTAssertEqual(config?.vips[0].preemptDelay, .seconds(90))
        XCTAssertEqual(config?.vips[0].stepDownHold, .seconds(300))
        XCTAssertEqual(config?.vips[0].preempt, false)
    }

    func testUnknownCheckReference() {
        expectSingleProblem(checkYAML("- { name: apiserver, tcp: { address: \"127.0.0.1:6443\" } }",
                                      vipChecks: "[apiserver, apiservr]"),
                            at: "vips[0].checks[1]", containing: "unknown health check \"apiservr\"; did you mean \"apiserver\"?")
        expectSingleProblem(vipYAML("checks: [nothing]"), at: "vips[0].checks[0]",
                            containing: "unknown health check \"nothing\"; healthChecks defines none")
    }

    func testVIPAddressEqualToPeerOrBind() {
        expectSingleProblem("""
        cluster: { authKeyFile: /etc/vip-agent/auth.key, peers: [10.77.0.12] }
        vips: [{ name: api, address: 10.77.0.12/24 }]
        """, at: "vips[0].address", containing: "is the address of peer cluster.peers[0]")
        expectSingleProblem("""
        cluster: { authKeyFile: /etc/vip-agent/auth.key, bind: 10.77.0.11 }
        vips: [{ name: api, address: 10.77.0.11/24 }]
        """, at: "vips[0].address", containing: "cluster.bind")
    }

    func testNonMappingEntry() {
        expectSingleProblem(header + "vips: [10.0.0.1/24]", at: "vips[0]", containing: "expected a mapping")
    }
}
