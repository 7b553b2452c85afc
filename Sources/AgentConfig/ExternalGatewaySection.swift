import Foundation
import Yams

/// `externalGateway:` — Kube-OVN centralized external-gateway failover.
enum ExternalGatewaySection {
    static let keys = ["nb", "tls", "logicalRouterPort", "logicalRouterPorts", "chassis", "routerId",
                       "priority", "nic", "checks", "minHoldTime", "advertInterval", "preempt"]
    static let tlsKeys = ["caFile", "certFile", "keyFile"]

    static func decode(_ r: MappingReader, context: DecodeContext) -> ExternalGatewayConfig {
        let diag = context.diag
        let nb = remotes(r, diag: diag)
        var tls: TLSFiles?
        if let t = r.mapping("tls", known: tlsKeys) {
            let files = tlsKeys.map { key -> String? in
                guard let file = t.string(key, required: true) else { return nil }
                context.checkReadable(file, path: t.path(key))
                return file
            }
            if let ca = files[0], let cert = files[1], let key = files[2] {
                tls = TLSFiles(caFile: ca, certFile: cert, keyFile: key)
            }
        }
        if !r.has("tls"), let ssl = nb.firstIndex(where: { $0.hasPrefix("ssl:") }) {
            diag.report(r.path("tls"), "required for ssl: remotes (\(nb[ssl])); give caFile, certFile and keyFile")
        }
        let logicalRouterPorts = ExternalGatewayRouterPorts.decode(r, diag: diag)
        let chassis = r.string("chassis") ?? ExternalGatewayConfig.autoChassis
        if chassis.isEmpty { diag.report(r.path("chassis"), "must not be empty (auto: the local system-id)") }
        let nic = r.string("nic")
        if let nic, let problem = FieldRules.interfaceNameProblem(nic) {
            diag.report(r.path("nic"), problem)
        }
        return ExternalGatewayConfig(
            nb: nb, tls: tls, logicalRouterPorts: logicalRouterPorts, chassis: chassis,
            routerId: UInt8(r.int("routerId", in: 1...255, required: true) ?? 1),
            priority: UInt8(r.int("priority", in: 1...254) ?? 100),
            nic: nic,
            checks: r.stringList("checks")?.map(\.value) ?? [],
            minHoldTime: r.duration("minHoldTime", in: DurationLimits.nonNegative) ?? .seconds(5),
            advertInterval: r.duration("advertInterval", in: DurationLimits.advertInterval) ?? .milliseconds(100),
            preempt: r.bool("preempt") ?? true)
    }

    /// `nb` as one comma-separated string (as Kube-OVN writes it) or as a list.
    private static func remotes(_ r: MappingReader, diag: Diagnostics) -> [String] {
        guard let node = r.node("nb") else {
            diag.report(r.path("nb"), "required, e.g. \"tcp:192.168.0.2:6641,tcp:192.168.0.3:6641\"")
            return []
        }
        var entries: [(path: String, value: String)] = []
        if case .sequence = node {
            entries = r.stringList("nb") ?? []
        } else if let text = YAMLValue.string(node, path: r.path("nb"), diag: diag) {
            entries = text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map {
                (KeyPaths.element(r.path("nb"), $0.offset), $0.element.trimmingCharacters(in: .whitespaces))
            }
        } else {
            return []
        }
        if entries.isEmpty || entries.allSatisfy({ $0.value.isEmpty }) {
            diag.report(r.path("nb"), "needs at least one remote, e.g. tcp:192.168.0.2:6641")
            return []
        }
        var remotes: [String] = []
        for entry in entries {
            if let problem = FieldRules.ovsdbRemoteProblem(entry.value) {
                diag.report(entry.path, problem)
            } else {
                remotes.append(entry.value)
            }
        }
        return remotes
    }
}
