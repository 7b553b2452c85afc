import AgentConfig
import BasicTypes
import XCTest

/// What a reload would do, in words: one line per live change, every key that needs a restart.
final class ConfigChangesTests: XCTestCase {
    private func base() -> Configuration {
        Configuration(
            node: "m1", cluster: ClusterConfig(peers: [IPAddress("10.0.0.2")!, IPAddress("10.0.0.3")!], authKey: [1, 2, 3]),
            vips: [VIPConfig(name: "api", address: IPAddress("10.0.0.100")!, prefixLength: 24, interface: "eth0",
                             routerId: 51, priority: 150, checks: ["ok"])],
            healthChecks: [HealthCheckConfig(name: "ok", kind: .exec(command: ["/bin/true"]))])
    }

    func testUnchangedIsEmpty() {
        XCTAssertTrue(ConfigChanges(from: base(), to: base()).isEmpty)
    }

    func testLiveChangesAreOneLineEach() {
        var new = base()
        new.vips[0].priority = 120
        new.vips[0].preemptDelay = .seconds(1)
        new.vips.append(VIPConfig(name: "web", address: IPAddress("10.0.0.101")!, prefixLength: 24, interface: "eth0", routerId: 52))
        new.cluster.peers = [IPAddress("10.0.0.2")!, IPAddress("10.0.0.4")!]
        new.healthChecks[0].interval = .milliseconds(500)
        new.healthChecks.append(HealthCheckConfig(name: "tcp", kind: .tcp(address: "127.0.0.1:6443")))
        new.announce.garpCount = 3
        let changes = ConfigChanges(from: base(), to: new)
        XCTAssertEqual(changes.restartOnly, [])
        XCTAssertEqual(changes.applied, [
            "cluster.peers: 10.0.0.4 added",
            "cluster.peers: 10.0.0.3 removed (forgotten)",
            "api priority 150 → 120",
            "api preemptDelay 0s → 1s",
            "vips[1] web added (10.0.0.101/24 on eth0, routerId 52)",
            "healthChecks ok changed (restarted; its last verdict holds until its first new one)",
            "healthChecks tcp added (gates its VIPs from its first verdict)",
            "announce.garpCount 5 → 3",
        ])
    }

    func testAnotherAddressOrRouterIdIsAnotherVIP() {
        var new = base()
        new.vips[0].address = IPAddress("10.0.0.99")!
        new.vips[0].routerId = 60
        XCTAssertEqual(ConfigChanges(from: base(), to: new).applied,
                       ["vips[0] api replaced (address 10.0.0.100/24 → 10.0.0.99/24, routerId 51 → 60): resigns, then starts again"])
        new = base()
        new.vips = []
        XCTAssertEqual(ConfigChanges(from: base(), to: new).applied,
                       ["vips[0] api removed (resigns: VIP removed from the host, priority 0 advertised)"])
    }

    func testKeysThatNeedARestartAreEachNamed() {
        var new = base()
        new.node = "m9"
        new.cluster.port = 5451
        new.cluster.authKey = [9]
        new.status.metrics = nil
        new.externalGateway = ExternalGatewayConfig(nb: ["tcp:127.0.0.1:6641"], routerId: 60)
        new.vips[0].priority = 1
        let changes = ConfigChanges(from: base(), to: new)
        XCTAssertEqual(changes.restartOnly, [
            "node (m1 → m9)", "cluster.port (5450 → 5451)", "cluster.authKeyFile (the key in it changed)",
            "status.metrics (127.0.0.1:9450 → off)", "externalGateway",
        ])
        XCTAssertEqual(changes.applied, ["api priority 150 → 1"])
    }
}
