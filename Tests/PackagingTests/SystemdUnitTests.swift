import BasicTypes
import XCTest

final class SystemdUnitTests: XCTestCase {
    private let path = "packaging/systemd/vip-agent.service"
    private static let capabilities: Set<String> = ["CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE"]

    private func unitText() throws -> String { try RepositoryFiles.text(path) }

    func testSystemdAnalyzeVerifyReportsNothing() throws {
        let result = try SystemdAnalyze.verify(unitText: try unitText(), unitName: "vip-agent.service")
        XCTAssertEqual(result.status, 0, result.problems.joined(separator: "\n"))
        XCTAssertEqual(result.problems, [], "systemd-analyze verify complained about \(path)")
    }

    /// The check above is only worth something if verify does complain about a broken unit.
    func testVerifyCatchesMistakes() throws {
        let broken = try unitText().replacingOccurrences(of: "NotifyAccess=main", with: "NotifyAcess=main")
        let result = try SystemdAnalyze.verify(unitText: broken, unitName: "vip-agent.service")
        XCTAssertTrue(result.problems.contains { $0.contains("NotifyAcess") }, "\(result.problems)")
    }

    func testExecStartIsReplacedKeepingArguments() {
        XCTAssertEqual(SystemdAnalyze.withExecutable("A=1\nExecStart=/usr/local/bin/vip-agent run --config /x\n", program: "/bin/true"),
                       "A=1\nExecStart=/bin/true run --config /x\n")
    }

    func testCapabilitiesAreExactlyTheThree() throws {
        let unit = UnitFile(try unitText())
        XCTAssertEqual(unit.words("Service", "CapabilityBoundingSet"), Self.capabilities)
        XCTAssertEqual(unit.words("Service", "AmbientCapabilities"), Self.capabilities)
        XCTAssertEqual(unit.value("Service", "NoNewPrivileges"), "yes")
    }

    func testServiceLifecycle() throws {
        let unit = UnitFile(try unitText())
        XCTAssertEqual(unit.value("Service", "Type"), "notify")
        XCTAssertEqual(unit.value("Service", "NotifyAccess"), "main")
        XCTAssertEqual(unit.value("Service", "WatchdogSec"), "10s")
        XCTAssertEqual(unit.value("Service", "Restart"), "always")
        XCTAssertEqual(unit.value("Service", "RestartSec"), "1s")
        XCTAssertEqual(unit.values("Service", "ExecStart"),
                       ["/usr/local/bin/vip-agent run --config /etc/vip-agent/config.yaml"])
        XCTAssertEqual(unit.values("Service", "ExecReload"), ["/bin/kill -HUP $MAINPID"])
        // A bad configuration exits 2: restarting every second cannot fix it.
        XCTAssertEqual(unit.words("Service", "RestartPreventExitStatus"), ["2"])
        XCTAssertEqual(unit.values("Service", "EnvironmentFile"), ["-/etc/default/vip-agent"])
        // A crash, a kill or a failed start leaves no VIP copy behind (issue 12).
        XCTAssertEqual(unit.values("Service", "ExecStopPost"),
                       ["/usr/local/bin/vip-agent cleanup --config /etc/vip-agent/config.yaml"])
        XCTAssertEqual(unit.value("Service", "RuntimeDirectory"), "vip-agent")
        XCTAssertEqual(unit.value("Service", "RuntimeDirectoryMode"), "0750")
        XCTAssertEqual(unit.words("Unit", "After"), ["network-online.target"])
        XCTAssertEqual(unit.words("Unit", "Wants"), ["network-online.target"])
    }

    /// Documentation= names only what the Debian package installs (packaging/deb/build).
    func testDocumentationPointsAtInstalledFiles() throws {
        let unit = UnitFile(try unitText())
        let documentation = unit.words("Unit", "Documentation")
        XCTAssertEqual(documentation, ["man:vip-agent(8)", "man:vipctl(8)", "file:///usr/share/doc/vip-agent/README.md"])
        // What packaging/deb/build installs them from (DebianPackageTests checks the installed
        // unit with `systemd-analyze verify --man=yes`).
        let build = try RepositoryFiles.text("packaging/deb/build")
        XCTAssertTrue(build.contains("for page in vip-agent vipctl; do"), "the package installs both man pages")
        XCTAssertTrue(build.contains(#""$root/packaging/man/$page.8" "$pkg/usr/share/man/man8/$page.8""#))
        XCTAssertTrue(build.contains(#"install -m 0644 "$root/README.md""#), "the package installs README.md")
        for file in ["packaging/man/vip-agent.8", "packaging/man/vipctl.8", "README.md"] {
            XCTAssertNoThrow(try RepositoryFiles.text(file), "\(file) is missing")
        }
    }

    func testSandboxLeavesNetlinkAndRawSocketsUsable() throws {
        let unit = UnitFile(try unitText())
        XCTAssertEqual(unit.words("Service", "RestrictAddressFamilies"),
                       ["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"])
        XCTAssertEqual(unit.value("Service", "ProtectSystem"), "strict")
        XCTAssertEqual(unit.value("Service", "ProtectHome"), "yes")
        XCTAssertEqual(unit.value("Service", "PrivateTmp"), "yes")
        XCTAssertEqual(unit.value("Service", "ProtectKernelTunables"), "yes")
        for key in ["PrivateNetwork", "IPAddressDeny", "NetworkNamespacePath", "PrivateUsers"] {
            XCTAssertEqual(unit.values("Service", key), [], "\(key) would cut the agent off the host network")
        }
    }
}
