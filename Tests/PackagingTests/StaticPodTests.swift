import Foundation
import XCTest
import Yams

final class StaticPodTests: XCTestCase {
    private func manifest() throws -> [String: Any] {
        let text = try RepositoryFiles.text("packaging/rke2/vip-agent.yaml")
        return try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any], "the static pod is not a YAML mapping")
    }

    private func spec() throws -> [String: Any] {
        try XCTUnwrap(try manifest()["spec"] as? [String: Any])
    }

    private func container() throws -> [String: Any] {
        let containers = try XCTUnwrap(try spec()["containers"] as? [[String: Any]])
        XCTAssertEqual(containers.count, 1)
        return try XCTUnwrap(containers.first)
    }

    func testIsAPodInKubeSystem() throws {
        let pod = try manifest()
        XCTAssertEqual(pod["apiVersion"] as? String, "v1")
        XCTAssertEqual(pod["kind"] as? String, "Pod")
        XCTAssertEqual((pod["metadata"] as? [String: Any])?["namespace"] as? String, "kube-system")
    }

    func testHostNetworkAndNodeCriticalPriority() throws {
        let spec = try spec()
        XCTAssertEqual(spec["hostNetwork"] as? Bool, true)
        XCTAssertEqual(spec["priorityClassName"] as? String, "system-node-critical")
    }

    func testOnlyTheThreeCapabilities() throws {
        let security = try XCTUnwrap(try container()["securityContext"] as? [String: Any])
        XCTAssertNotEqual(security["privileged"] as? Bool, true)
        XCTAssertEqual(security["allowPrivilegeEscalation"] as? Bool, false)
        let capabilities = try XCTUnwrap(security["capabilities"] as? [String: Any])
        XCTAssertEqual(capabilities["drop"] as? [String], ["ALL"])
        XCTAssertEqual(Set(try XCTUnwrap(capabilities["add"] as? [String])),
                       ["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE"])
        XCTAssertEqual((capabilities["add"] as? [String])?.count, 3)
    }

    func testImageAndCommand() throws {
        let container = try container()
        XCTAssertEqual(container["image"] as? String, "localhost/vip-agent:latest")
        XCTAssertEqual(container["command"] as? [String],
                       ["vip-agent", "run", "--config", "/etc/vip-agent/config.yaml"])
    }

    func testConfigIsReadOnlyAndTheSocketDirectoryIsShared() throws {
        let volumes = try XCTUnwrap(try spec()["volumes"] as? [[String: Any]])
        var hostPaths: [String: String] = [:]
        for volume in volumes {
            let name = try XCTUnwrap(volume["name"] as? String)
            hostPaths[name] = (volume["hostPath"] as? [String: Any])?["path"] as? String
        }
        let mounts = try XCTUnwrap(try container()["volumeMounts"] as? [[String: Any]])
        func mount(at path: String) -> (hostPath: String?, readOnly: Bool)? {
            guard let entry = mounts.first(where: { $0["mountPath"] as? String == path }),
                  let name = entry["name"] as? String else { return nil }
            return (hostPaths[name], entry["readOnly"] as? Bool ?? false)
        }
        let config = try XCTUnwrap(mount(at: "/etc/vip-agent"), "no mount at /etc/vip-agent")
        XCTAssertEqual(config.hostPath, "/etc/vip-agent")
        XCTAssertTrue(config.readOnly, "/etc/vip-agent (config and key) must be mounted read-only")
        let run = try XCTUnwrap(mount(at: "/run/vip-agent"), "no mount at /run/vip-agent")
        XCTAssertEqual(run.hostPath, "/run/vip-agent")
        XCTAssertFalse(run.readOnly, "the agent creates its status socket in /run/vip-agent")
        for entry in mounts {
            let name = entry["name"] as? String ?? "?"
            XCTAssertNotNil(hostPaths[name] ?? nil, "volume mount \(name) has no hostPath volume")
        }
    }
}
