import BasicTypes
import AgentConfig
import Foundation
import XCTest

/// The example configuration of CONTRACT.md, with its files in a temporary directory.
final class ContractExampleTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vip-agent-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("s3cr3t-shared-key-0123456789\n".utf8).write(to: directory.appendingPathComponent("auth.key"))
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: directory.appendingPathComponent("ca.crt"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func exampleYAML() -> String {
        Self.example
            .replacingOccurrences(of: "/etc/vip-agent/auth.key", with: directory.appendingPathComponent("auth.key").path)
            .replacingOccurrences(of: "/etc/vip-agent/ca.crt", with: directory.appendingPathComponent("ca.crt").path)
    }

    func testExampleParsesWithExactValues() throws {
        let configPath = directory.appendingPathComponent("config.yaml").path
        try Data(exampleYAML().utf8).write(to: URL(fileURLWithPath: configPath))
        let result = ConfigLoader.load(path: configPath)
        let config: Configuration
        switch result {
        case .success(let value): config = value
        case .failure(let problems): return XCTFail("problems:\n\(problems)")
        }

        XCTAssertEqual(config.node, "m1")
        XCTAssertEqual(config.cluster, ClusterConfig(
            port: 5450, bind: IPAddress("10.77.0.11"),
            peers: [IPAddress("10.77.0.12")!, IPAddress("10.77.0.13")!],
            authKeyFile: directory.appendingPathComponent("auth.key").path, insecure: false,
            authKey: Array("s3cr3t-shared-key-0123456789".utf8)))
        XCTAssertEqual(config.vips, [VIPConfig(
            name: "api", address: IPAddress("10.77.0.100")!, prefixLength: 24, interface: "eno1",
            routerId: 51, priority: 150, preempt: true, preemptDelay: .zero,
            advertInterval: .milliseconds(100), checks: ["apiserver"], stepDownHold: .seconds(60))])
        XCTAssertEqual(config.healthChecks, [
            HealthCheckConfig(
                name: "apiserver",
                kind: .https(url: "https://127.0.0.1:6443/readyz",
                             caFile: directory.appendingPathComponent("ca.crt").path,
                             insecureSkipVerify: false, certFile: nil, keyFile: nil),
                interval: .seconds(1), timeout: .milliseconds(500), rise: 2, fall: 3),
            HealthCheckConfig(
                name: "uplink", kind: .arp(target: IPAddress("10.4.19.1")!, interface: "br-external"),
                interval: .milliseconds(500), timeout: .milliseconds(300), rise: 2, fall: 3),
        ])
        XCTAssertEqual(config.startupGrace, .seconds(60))
        XCTAssertEqual(config.announce, AnnounceConfig(garpCount: 5, garpInterval: .milliseconds(100),
                                                       refreshInterval: .seconds(30)))
        XCTAssertEqual(config.status, StatusConfig(socket: "/run/vip-agent/status.sock",
                                                   socketGroup: "root", metrics: "127.0.0.1:9450"))
        XCTAssertEqual(config.externalGateway, ExternalGatewayConfig(
            nb: ["tcp:192.168.0.2:6641", "tcp:192.168.0.3:6641", "tcp:192.168.0.4:6641"], tls: nil,
            logicalRouterPorts: ["ovn-cluster-external"], chassis: "auto", routerId: 60, priority: 150,
            nic: "enp8s0", checks: ["uplink"], minHoldTime: .seconds(5),
            advertInterval: .milliseconds(100), preempt: true))
    }

    func testExampleWithoutItsFilesNamesThem() {
        let problems = expectProblems(Self.example.replacingOccurrences(of: "/etc/vip-agent/", with: "/nonexistent/"))
        XCTAssertEqual(problems.map(\.keyPath), ["cluster.authKeyFile", "healthChecks[0].https.caFile"])
        XCTAssertTrue(problems[0].message.contains("cannot read /nonexistent/auth.key"), problems[0].message)
    }

    func testLoadReportsAMissingConfigFile() {
        guard case .failure(let problems) = ConfigLoader.load(path: "/nonexistent/vip-agent.yaml") else {
            return XCTFail("accepted a missing file")
        }
        XCTAssertEqual(problems.problems.count, 1)
        XCTAssertTrue(problems.description.contains("/nonexistent/vip-agent.yaml"), problems.description)
    }

    /// Verbatim from CONTRACT.md.
    static let example = """
    node: m1                          # default: the host name
    cluster:
      port: 5450                      # UDP port of the election protocol
      bind: 10.77.0.11                # optional source address for adverts
      peers: [10.77.0.12, 10.77.0.13] # the other masters (unicast; IPv4 or IPv6)
      authKeyFile: /etc/vip-agent/auth.key   # shared secret; required unless `insecure: true`
    vips:
      - name: api
        address: 10.77.0.100/24       # the floating address, with its prefix
        interface: eno1               # or `auto`: the interface holding an address in the VIP's subnet
        routerId: 51                  # 1..255; one election group per routerId
        priority: 150                 # 1..254; higher wins; equal priority: higher node address wins
        preempt: true
        preemptDelay: 0s
        advertInterval: 100ms         # 10ms..10s
        checks: [apiserver]           # health checks that gate mastership of this VIP
    healthChecks:
      - name: apiserver
        https: { url: "https://127.0.0.1:6443/readyz", caFile: /etc/vip-agent/ca.crt, insecureSkipVerify: false }
        # or  tcp: { address: "127.0.0.1:6443" }   or  exec: { command: ["/usr/bin/true"] }  (one kind per check)
        interval: 1s
        timeout: 500ms
        rise: 2
        fall: 3
      - name: uplink
        arp: { target: 10.4.19.1, interface: br-external }   # the upstream router answers ARP
        interval: 500ms
        timeout: 300ms
        rise: 2
        fall: 3
    startupGrace: 60s                  # a node with no healthy peer and no passed check waits this long before claiming
    announce:
      garpCount: 5
      garpInterval: 100ms
      refreshInterval: 30s            # 0s: no periodic refresh
    status:
      socket: /run/vip-agent/status.sock
      socketGroup: root               # group that may use vipctl
      metrics: 127.0.0.1:9450         # Prometheus text at /metrics; empty: off
    externalGateway:                  # optional: Kube-OVN centralized external-gw failover (EIP)
      nb: "tcp:192.168.0.2:6641,tcp:192.168.0.3:6641,tcp:192.168.0.4:6641"   # also ssl: and unix:
      # tls: { caFile: /etc/vip-agent/ovn-ca.crt, certFile: /etc/vip-agent/ovn.crt, keyFile: /etc/vip-agent/ovn.key }  # for ssl: remotes
      logicalRouterPort: ovn-cluster-external
      chassis: auto                   # auto: external_ids:system-id of the local Open_vSwitch database
      routerId: 60
      priority: 150
      nic: enp8s0                     # the external-gw-nic; its carrier is an implicit check
      checks: [uplink]
      minHoldTime: 5s
    """
}
