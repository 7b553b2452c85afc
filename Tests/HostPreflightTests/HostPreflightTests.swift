import HostModel
import BasicTypes
import AgentConfig
import HostPlumbing
import XCTest
@testable import HostPreflight

/// `validate --host` and the start checks over a host described in the test (pure).
final class HostPreflightTests: XCTestCase {
    private func configuration(vip: String = "10.77.0.100/24", interface: String = "eth0") throws -> Configuration {
        let yaml = """
            node: m1
            cluster: { peers: [10.77.0.12], authKeyFile: /etc/vip-agent/auth.key }
            vips: [ { name: api, address: \(vip), interface: \(interface), routerId: 51 } ]
            """
        switch ConfigLoader.parse(yaml: yaml, readFile: { _ in Array("0123456789abcdef0123456789abcdef".utf8) }, hostName: "m1") {
        case .success(let c): return c
        case .failure(let p): throw p
        }
    }

    private let all = Capabilities(effective: 0x1_ffff_ffff)

    private func host(capabilities: Capabilities?, extra: [AddressRecord] = []) -> HostPreflight.HostView {
        let node = AddressRecord(interfaceIndex: 2, address: IPAddress("10.77.0.11")!, prefixLength: 24)
        return HostPreflight.HostView(
            snapshot: HostSnapshot(links: [LinkInfo(index: 1, name: "lo"), LinkInfo(index: 2, name: "eth0")],
                                   addresses: [InterfaceAddress(interfaceIndex: 2, interfaceName: "eth0",
                                                                address: IPAddress("10.77.0.11")!, prefixLength: 24)]),
            records: [node] + extra, capabilities: capabilities, userId: 0)
    }

    private let privateKey: (String) -> Result<KeyFileCheck.Info, PreflightFinding.Text> = { _ in .success(.init(owner: 0, mode: 0o600)) }

    func testAHealthyHostHasNoFinding() throws {
        XCTAssertEqual(HostPreflight.check(try configuration(), host: host(capabilities: all), keyFile: privateKey), [])
    }

    func testCapabilitiesAreReadFromProcStatus() {
        let status = "Name:\tvip-agent\nCapInh:\t0000000000000000\nCapEff:\t0000000000002000\n"
        let caps = Capabilities.parse(status: status)
        XCTAssertEqual(caps?.missing, ["CAP_NET_ADMIN"], "0x2000 is CAP_NET_RAW only")
        XCTAssertEqual(Capabilities(effective: 0).missing, ["CAP_NET_ADMIN", "CAP_NET_RAW"])
        XCTAssertNil(Capabilities.parse(status: "CapEff:\tzz\n"))
        let findings = HostPreflight.check(try! configuration(), host: host(capabilities: caps), keyFile: privateKey)
        XCTAssertEqual(findings.map(\.severity), [.problem])
        XCTAssertTrue(findings[0].description.contains("missing capability CAP_NET_ADMIN"), findings[0].description)
    }

    func testAMissingInterfaceIsNamedWithItsKeyPath() throws {
        // The VIP's subnet is on eth0: the agent would fall back to it, so only a warning.
        let fallback = HostPreflight.check(try configuration(interface: "eno9"), host: host(capabilities: all), keyFile: privateKey)
        XCTAssertEqual(fallback.map(\.severity), [.warning])
        XCTAssertTrue(fallback[0].description.hasPrefix("warning: vips[0].interface: interface eno9 does not exist; the agent would use eth0"),
                      fallback[0].description)
        // No interface holds the VIP's subnet: nothing to fall back to.
        let findings = HostPreflight.check(try configuration(vip: "10.99.0.100/24", interface: "eno9"), host: host(capabilities: all),
                                           keyFile: privateKey)
        XCTAssertEqual(findings.map(\.description), ["vips[0].interface: interface eno9 does not exist"])
        XCTAssertEqual(HostPreflight.check(try configuration(interface: "auto"), host: host(capabilities: all), keyFile: privateKey), [],
                       "auto resolves to eth0, which holds 10.77.0.11/24")
    }

    func testAVIPEqualToTheNodesAddressIsRefusedButTheAgentsOwnCopyIsNot() throws {
        let own = HostPreflight.check(try configuration(vip: "10.77.0.11/24"), host: host(capabilities: all), keyFile: privateKey)
        XCTAssertTrue(own.contains { $0.keyPath == "vips[0].address" && $0.severity == .problem
            && $0.message.contains("10.77.0.11/24 on eth0") }, "\(own)")
        // A marked copy of the VIP (left by a killed run) is not the host's.
        let copy = AddressRecord(interfaceIndex: 2, address: IPAddress("10.77.0.100")!, prefixLength: 32,
                                 label: "eth0:vip", proto: AddressMark.proto)
        XCTAssertEqual(HostPreflight.check(try configuration(), host: host(capabilities: all, extra: [copy]), keyFile: privateKey), [])
    }

    func testKeyFileReadableByOthersIsAWarningAndAMissingOneAProblem() throws {
        let open: (String) -> Result<KeyFileCheck.Info, PreflightFinding.Text> = { _ in .success(.init(owner: 1000, mode: 0o644)) }
        let findings = HostPreflight.check(try configuration(), host: host(capabilities: all), keyFile: open)
        XCTAssertEqual(findings.map(\.severity), [.warning, .warning])
        XCTAssertTrue(findings.contains { $0.description.hasPrefix("warning: cluster.authKeyFile: /etc/vip-agent/auth.key is readable by its group and every user (mode 0644)") }, "\(findings)")
        XCTAssertTrue(findings.contains { $0.message.contains("owned by uid 1000") }, "\(findings)")
        let missing: (String) -> Result<KeyFileCheck.Info, PreflightFinding.Text> = { _ in .failure(.init("/etc/vip-agent/auth.key: No such file or directory")) }
        XCTAssertEqual(HostPreflight.check(try configuration(), host: host(capabilities: all), keyFile: missing).map(\.severity), [.problem])
    }
}
