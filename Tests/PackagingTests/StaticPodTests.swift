import AgentConfig
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
        // NET_BIND_SERVICE is not among them: nothing the agent opens is a low port.
        XCTAssertEqual(Set(try XCTUnwrap(capabilities["add"] as? [String])), ["NET_ADMIN", "NET_RAW"])
        XCTAssertEqual((capabilities["add"] as? [String])?.count, 2)
        XCTAssertEqual((security["seccompProfile"] as? [String: Any])?["type"] as? String, "RuntimeDefault")
        let podSecurity = try XCTUnwrap(try spec()["securityContext"] as? [String: Any])
        XCTAssertEqual((podSecurity["seccompProfile"] as? [String: Any])?["type"] as? String, "RuntimeDefault")
    }

    /// CoreDNS does not exist while the cluster bootstraps: the host's resolver, not the cluster's.
    func testHostDNS() throws {
        XCTAssertEqual(try spec()["dnsPolicy"] as? String, "Default")
    }

    func testLivenessProbeHitsHealthzOnTheMetricsListener() throws {
        let probe = try XCTUnwrap(try container()["livenessProbe"] as? [String: Any], "no livenessProbe")
        let get = try XCTUnwrap(probe["httpGet"] as? [String: Any], "the probe is not an HTTP GET")
        XCTAssertEqual(get["path"] as? String, "/healthz")
        // The default `status.metrics` listener: 127.0.0.1:9450 (a host-network pod's probe
        // would otherwise go to the node's address, where nothing listens).
        XCTAssertEqual(get["host"] as? String, "127.0.0.1")
        XCTAssertEqual(get["port"] as? Int, 9450)
        let defaults = try XCTUnwrap(try? ConfigLoader.parse(yaml: Self.minimalConfig).get(), "minimal config")
        XCTAssertEqual(defaults.status.metricsEndpoint.map { "\($0.host):\($0.port)" }, "127.0.0.1:9450",
                       "the probe follows the default metrics listener")
    }

    func testPreStopRemovesTheVIPCopies() throws {
        let lifecycle = try XCTUnwrap(try container()["lifecycle"] as? [String: Any])
        let preStop = try XCTUnwrap(lifecycle["preStop"] as? [String: Any])
        XCTAssertEqual((preStop["exec"] as? [String: Any])?["command"] as? [String],
                       ["vip-agent", "cleanup", "--config", "/etc/vip-agent/config.yaml"])
    }

    /// Only the files the apiserver check reads, never the whole RKE2 tls directory (which also
    /// holds the cluster CA and etcd private keys).
    func testOnlyTheThreeTLSFilesAreMounted() throws {
        let tls = "/var/lib/rancher/rke2/server/tls"
        let volumes = try XCTUnwrap(try spec()["volumes"] as? [[String: Any]])
        let tlsPaths = volumes.compactMap { ($0["hostPath"] as? [String: Any])?["path"] as? String }
            .filter { $0.hasPrefix(tls) }
        XCTAssertEqual(Set(tlsPaths), ["\(tls)/server-ca.crt", "\(tls)/client-kube-proxy.crt", "\(tls)/client-kube-proxy.key"])
        for volume in volumes {
            guard let hostPath = volume["hostPath"] as? [String: Any], (hostPath["path"] as? String)?.hasPrefix(tls) == true
            else { continue }
            XCTAssertEqual(hostPath["type"] as? String, "File", "\(hostPath): mount the file, not a directory")
        }
        let mounts = try XCTUnwrap(try container()["volumeMounts"] as? [[String: Any]])
        for mount in mounts where (mount["mountPath"] as? String)?.hasPrefix(tls) == true {
            XCTAssertEqual(mount["readOnly"] as? Bool, true, "\(mount) must be read-only")
        }
        // The example configurations read exactly these files.
        for node in ["m1", "m2", "m3"] {
            let example = try RepositoryFiles.text("packaging/examples/kube-ovn-masters/\(node).yaml")
            for line in example.split(separator: "\n") where line.contains(tls) {
                let path = String(line[line.range(of: tls)!.lowerBound...]).trimmingCharacters(in: .whitespaces)
                XCTAssertTrue(tlsPaths.contains(path), "\(node).yaml reads \(path), which the pod does not mount")
            }
        }
    }

    // MARK: The Kubernetes schema, offline

    /// kubernetes-validate (PyPI; scripts/test installs it) ships the OpenAPI schemas of each
    /// Kubernetes release: strict validation rejects unknown or misplaced fields. Run with no
    /// network (a fresh network namespace when root), so the schemas really are local.
    func testManifestMatchesTheKubernetesSchemaOffline() throws {
        let manifest = RepositoryFiles.url("packaging/rke2/vip-agent.yaml").path
        for version in ["1.29.0", "1.33.0"] {
            let result = try KubernetesValidate.run(file: manifest, kubernetesVersion: version)
            XCTAssertEqual(result.status, 0, "\(manifest) against Kubernetes \(version):\n\(result.output)")
            XCTAssertTrue(result.output.contains("passed"), result.output)
        }
    }

    func testTheSchemaCheckRejectsAMisplacedField() throws {
        let text = try RepositoryFiles.text("packaging/rke2/vip-agent.yaml")
            .replacingOccurrences(of: "failureThreshold: 3", with: "failureTreshold: 3")
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("vip-agent-pod-\(UUID().uuidString).yaml")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: broken) }
        let result = try KubernetesValidate.run(file: broken.path, kubernetesVersion: "1.33.0")
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("failureTreshold"), result.output)
    }

    private static let minimalConfig = """
        cluster:
          peers: [10.77.0.12]
          insecure: true
        vips:
          - name: api
            address: 10.77.0.100/24
            interface: eth0
            routerId: 51
            priority: 100
        """

    func testImageAndCommand() throws {
        let container = try container()
        // The versioned tag the Containerfile's documented build makes (no floating `latest`).
        XCTAssertEqual(container["image"] as? String, "localhost/vip-agent:\(VIPAgentVersion.current)")
        let labels = try XCTUnwrap((try manifest()["metadata"] as? [String: Any])?["labels"] as? [String: Any])
        XCTAssertEqual(labels["app.kubernetes.io/version"] as? String, VIPAgentVersion.current)
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
