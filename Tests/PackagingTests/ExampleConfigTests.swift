import AgentConfig
import XCTest

/// The Kube-OVN masters' example configurations pass the same validation as
/// `vip-agent validate`, given that the files they name exist.
final class ExampleConfigTests: XCTestCase {
    private static let names = ["m1", "m2", "m3"]

    /// Stands in for the key and certificates on a master: every named file reads as 32 bytes.
    private static func presentFile(_ path: String) throws -> [UInt8] {
        Array("0123456789abcdef0123456789abcdef".utf8)
    }

    private func load(_ name: String) throws -> Configuration {
        let yaml = try RepositoryFiles.text("packaging/examples/kube-ovn-masters/\(name).yaml")
        switch ConfigLoader.parse(yaml: yaml, readFile: Self.presentFile, hostName: "unused-host") {
        case .success(let configuration):
            return configuration
        case .failure(let problems):
            XCTFail("\(name).yaml: " + problems.problems.map { "\($0.keyPath): \($0.message)" }.joined(separator: "; "))
            throw problems
        }
    }

    func testEveryExampleValidates() throws {
        for name in Self.names {
            let configuration = try load(name)
            XCTAssertEqual(configuration.node, name)
        }
    }

    func testMissingFilesAreReported() throws {
        let yaml = try RepositoryFiles.text("packaging/examples/kube-ovn-masters/m1.yaml")
        let result = ConfigLoader.parse(yaml: yaml, readFile: { path in
            throw AnalyzeError("no such file: \(path)")
        }, hostName: "m1")
        guard case .failure(let problems) = result else { return XCTFail("validated without its files") }
        let paths = Set(problems.problems.map(\.keyPath))
        XCTAssertTrue(paths.contains("cluster.authKeyFile"), "\(paths)")
        XCTAssertTrue(paths.contains("healthChecks[0].https.caFile"), "\(paths)")
    }

    func testTheThreeMastersFormOneCluster() throws {
        let configurations = try Self.names.map(load)
        let binds = configurations.compactMap(\.cluster.bind)
        XCTAssertEqual(binds.count, 3, "every master names its bind address")
        XCTAssertEqual(Set(binds).count, 3)
        for configuration in configurations {
            let others = Set(binds.filter { $0 != configuration.cluster.bind })
            XCTAssertEqual(Set(configuration.cluster.peers), others, "\(configuration.node): peers are the other masters")
        }
        let vips = configurations.map { $0.vips.map { "\($0.name) \($0.cidr) \($0.routerId)" } }
        XCTAssertEqual(Set(vips).count, 1, "the masters disagree about the VIPs: \(vips)")
        let priorities = configurations.compactMap { $0.vips.first?.priority }
        XCTAssertEqual(Set(priorities).count, 3, "equal priorities fall back to address order; give each master its own")
        XCTAssertEqual(Set(configurations.compactMap { $0.externalGateway?.routerId }).count, 1)
    }

    func testApiVIPOnVLAN884WithTheRKE2Check() throws {
        let configuration = try load("m1")
        let api = try XCTUnwrap(configuration.vips.first { $0.name == "api" })
        XCTAssertTrue(api.usesAutoInterface || api.interface.hasSuffix(".884"), api.interface)
        XCTAssertLessThanOrEqual(api.interface.utf8.count, FieldRules.maxInterfaceNameLength)
        let check = try XCTUnwrap(configuration.healthCheck(named: "apiserver"))
        guard case let .https(url, caFile, insecure, _, _) = check.kind else { return XCTFail("apiserver is not https") }
        XCTAssertEqual(url, "https://127.0.0.1:6443/readyz")
        XCTAssertEqual(caFile, "/var/lib/rancher/rke2/server/tls/server-ca.crt")
        XCTAssertFalse(insecure)
        XCTAssertEqual(api.checks, ["apiserver"])
        let gateway = try XCTUnwrap(configuration.externalGateway)
        for name in gateway.checks {
            guard case .arp = try XCTUnwrap(configuration.healthCheck(named: name)).kind else {
                return XCTFail("gateway check \(name) is not an arp check")
            }
        }
        XCTAssertFalse(gateway.checks.isEmpty)
    }
}
