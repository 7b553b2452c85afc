import Foundation
@testable import StatusProtocol

enum Fixtures {
    /// The status document sample of CONTRACT.md, verbatim.
    static let contractSample = """
    { "node": "m1", "version": "…",
      "vips": [ { "name": "api", "address": "10.77.0.100/24", "state": "MASTER",
                  "interface": "eno1", "configuredInterface": "eno1",
                  "priority": 150, "effectivePriority": 150,
                  "master": { "node": "m1", "address": "10.77.0.11" },
                  "since": "2026-11-22T18:00:00Z", "reason": "no advert for 326ms" } ],
      "checks": [ { "name": "apiserver", "healthy": true, "since": "…", "detail": "200 OK" } ],
      "peers":  [ { "address": "10.77.0.12", "node": "m2", "lastSeen": "…", "state": "BACKUP", "priority": 140 } ],
      "counters": { "advertsSent": 0, "advertsReceived": 0, "authFailures": 0, "malformed": 0,
                    "replays": 0, "garpsSent": 0, "transitions": 0 } }
    """

    static func fullDocument() -> StatusDocument {
        StatusDocument(
            node: "m1", version: "1.2.3",
            vips: [
                VIPStatus(name: "api", address: "10.77.0.100/24", state: "MASTER", interface: "eno1",
                          configuredInterface: "eno1", priority: 150, effectivePriority: 150,
                          master: MasterRef(node: "m1", address: "10.77.0.11"),
                          since: "2026-11-22T18:00:00Z", reason: "no advert for 326ms"),
                VIPStatus(name: "ingress", address: "10.77.0.101/24", state: "BACKUP", interface: "eno2",
                          configuredInterface: "auto",
                          interfaceReason: "auto: eno2 holds 10.77.0.12/24 in the VIP's subnet",
                          priority: 100, effectivePriority: 90,
                          master: MasterRef(node: "m2", address: "10.77.0.12"),
                          since: "2026-11-22T18:01:00Z", reason: "higher priority master", healthy: false),
            ],
            checks: [CheckStatus(name: "apiserver", healthy: true, since: "2026-11-22T17:59:00Z",
                                 detail: "200 OK", successes: 42, failures: 1)],
            peers: [PeerStatus(address: "10.77.0.12", node: "m2", lastSeen: "2026-11-22T18:02:00Z",
                               state: "BACKUP", priority: 140, healthy: true, sendErrors: 3),
                    PeerStatus(address: "10.77.0.13")],
            counters: Counters(advertsSent: 10, advertsReceived: 20, authFailures: 1, malformed: 2,
                               replays: 3, garpsSent: 5, transitions: 4),
            drops: ["authFailed": 1, "wrongRouterId": 7],
            gateway: GatewayStatus(routerId: 60, state: "MASTER", activeChassis: "chassis-m1",
                                   nbConnected: true, nbDetail: "tcp:192.168.0.2:6641",
                                   lastWrite: "2026-11-22T18:00:01Z", lastWriteResult: "ok",
                                   members: [GatewayMember(node: "m1", chassis: "chassis-m1", healthy: true,
                                                           rowPriority: 150)],
                                   ports: [GatewayPortStatus(name: "ovn-cluster-external", found: true,
                                                             activeChassis: "chassis-m1",
                                                             gatewayChassis: [GatewayChassisPriority(chassis: "chassis-m1", priority: 150)],
                                                             natAddressPorts: ["external-ovn-cluster"],
                                                             lastWrite: "2026-11-22T18:00:01Z", lastWriteResult: "ok"),
                                           GatewayPortStatus(name: "shalb-demo-ext-cloud", found: false,
                                                             detail: "Logical_Router_Port \"shalb-demo-ext-cloud\" not found")]))
    }

    /// Every key path of a JSON value: "vips[].master.node", with arrays collapsed to "[]".
    static func keyPaths(_ json: Any, prefix: String = "") -> Set<String> {
        var paths = Set<String>()
        if let object = json as? [String: Any] {
            for (key, value) in object {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                paths.insert(path)
                paths.formUnion(keyPaths(value, prefix: path))
            }
        } else if let array = json as? [Any] {
            for element in array { paths.formUnion(keyPaths(element, prefix: prefix + "[]")) }
        }
        return paths
    }

    static func keyPaths(ofJSON text: String) throws -> Set<String> {
        keyPaths(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }
}
