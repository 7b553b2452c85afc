import BasicTypes
import AgentConfig
import XCTest

final class DefaultsTests: XCTestCase {
    func testMinimalConfigurationGetsEveryDefault() throws {
        let config = try XCTUnwrap(expectValid(minimalYAML, host: "master-1"))
        XCTAssertEqual(config, Configuration(
            node: "master-1",
            cluster: ClusterConfig(port: 5450, bind: nil, peers: [], authKeyFile: "/etc/vip-agent/auth.key",
                                   insecure: false, authKey: Array("0123456789abcdef0123456789abcdef".utf8)),
            vips: [VIPConfig(name: "api", address: IPAddress("10.77.0.100")!, prefixLength: 24,
                             interface: "auto", routerId: 1, priority: 100, preempt: true,
                             preemptDelay: .zero, advertInterval: .milliseconds(100), checks: [],
                             stepDownHold: .seconds(60))],
            healthChecks: [], startupGrace: .seconds(60),
            announce: AnnounceConfig(garpCount: 5, garpInterval: .milliseconds(100), refreshInterval: .seconds(30)),
            status: StatusConfig(socket: "/run/vip-agent/status.sock", socketGroup: "root", metrics: "127.0.0.1:9450"),
            externalGateway: nil))
    }

    func testRouterIdDefaultsToPositionPlusOne() throws {
        let config = try XCTUnwrap(expectValid("""
        cluster: { authKeyFile: /etc/vip-agent/auth.key }
        vips:
          - { name: a, address: 10.0.0.1/24 }
          - { name: b, address: 10.0.0.2/24 }
          - { name: c, address: fd00::3/64 }
        """))
        XCTAssertEqual(config.vips.map(\.routerId), [1, 2, 3])
        XCTAssertEqual(config.vips[2].cidr, "fd00::3/64")
    }

    func testHealthCheckDefaults() throws {
        let config = try XCTUnwrap(expectValid(checkYAML("- { name: api, tcp: { address: \"127.0.0.1:6443\" } }",
                                                         vipChecks: "[api]")))
        XCTAssertEqual(config.healthChecks, [HealthCheckConfig(
            name: "api", kind: .tcp(address: "127.0.0.1:6443"), interval: .seconds(1),
            timeout: .milliseconds(500), rise: 2, fall: 3)])
    }

    func testExternalGatewayDefaultsAndNoVIPs() throws {
        let config = try XCTUnwrap(expectValid("""
        cluster: { authKeyFile: /etc/vip-agent/auth.key }
        externalGateway:
          nb: unix:/var/run/ovn/ovnnb_db.sock
          routerId: 60
        """))
        XCTAssertEqual(config.vips, [])
        XCTAssertEqual(config.externalGateway, ExternalGatewayConfig(
            nb: ["unix:/var/run/ovn/ovnnb_db.sock"], tls: nil, logicalRouterPorts: ["ovn-cluster-external"],
            chassis: "auto", routerId: 60, priority: 100, nic: nil, checks: [], minHoldTime: .seconds(5),
            advertInterval: .milliseconds(100), preempt: true))
    }

    func testInsecureNeedsNoKey() throws {
        let config = try XCTUnwrap(expectValid("""
        cluster: { insecure: true }
        vips: [{ name: api, address: 10.77.0.100/24 }]
        """))
        XCTAssertTrue(config.cluster.insecure)
        XCTAssertEqual(config.cluster.authKey, [])
    }

    func testEmptyMetricsTurnsThemOff() throws {
        let quoted = try XCTUnwrap(expectValid(minimalYAML + "\nstatus: { metrics: \"\" }"))
        XCTAssertNil(quoted.status.metrics)
        let bare = try XCTUnwrap(expectValid(minimalYAML + "\nstatus:\n  metrics:\n"))
        XCTAssertNil(bare.status.metrics)
    }

    func testRefreshZeroMeansOff() throws {
        let config = try XCTUnwrap(expectValid(minimalYAML + "\nannounce: { refreshInterval: 0s }"))
        XCTAssertEqual(config.announce.refreshInterval, .zero)
    }

    func testAuthKeyTrailingWhitespaceIsTrimmed() throws {
        let config = try XCTUnwrap(expectValid(minimalYAML))
        XCTAssertEqual(config.cluster.authKey.last, UInt8(ascii: "f"))
    }

    func testVersionConstant() {
        XCTAssertEqual(VIPAgentVersion.current, "0.1.0")
    }
}
