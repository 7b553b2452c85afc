import BasicTypes

/// Rules that span entries or sections: uniqueness, references between sections, and
/// addresses that must not collide. Values whose own key already has a problem are skipped,
/// so one mistake is reported once.
struct CrossChecks {
    let diag: Diagnostics

    func uniqueVIPs(_ vips: [Located<VIPConfig>]) {
        var names: [String: String] = [:]
        var addresses: [IPAddress: String] = [:]
        for vip in vips {
            let namePath = KeyPaths.child(vip.path, "name")
            if !vip.value.name.isEmpty, !diag.hasProblem(at: namePath) {
                if let first = names[vip.value.name] {
                    diag.report(namePath, "\"\(vip.value.name)\" is already the name of \(first)")
                } else {
                    names[vip.value.name] = vip.path
                }
            }
            let addressPath = KeyPaths.child(vip.path, "address")
            if !diag.hasProblem(at: addressPath) {
                if let first = addresses[vip.value.address] {
                    diag.report(addressPath, "\(vip.value.address) is already the address of \(first)")
                } else {
                    addresses[vip.value.address] = vip.path
                }
            }
        }
    }

    /// One election group per routerId, across VIPs and the external gateway.
    func uniqueRouterIds(_ vips: [Located<VIPConfig>], gateway: Located<ExternalGatewayConfig>?,
                         explicit: (String) -> Bool) {
        var groups = vips.map { (path: KeyPaths.child($0.path, "routerId"), id: $0.value.routerId) }
        if let gateway { groups.append((KeyPaths.child(gateway.path, "routerId"), gateway.value.routerId)) }
        var owners: [UInt8: String] = [:]
        for group in groups where !diag.hasProblem(at: group.path) {
            guard let first = owners[group.id] else {
                owners[group.id] = group.path
                continue
            }
            let how = explicit(group.path) ? "\(group.id)" : "defaults to \(group.id) (its position in vips),"
            diag.report(group.path, "\(how) is already used by \(first); each election group needs its own routerId")
        }
    }

    func uniqueCheckNames(_ checks: [Located<HealthCheckConfig>]) {
        var owners: [String: String] = [:]
        for check in checks where !check.value.name.isEmpty {
            let path = KeyPaths.child(check.path, "name")
            guard !diag.hasProblem(at: path) else { continue }
            if let first = owners[check.value.name] {
                diag.report(path, "\"\(check.value.name)\" is already defined by \(first)")
            } else {
                owners[check.value.name] = check.path
            }
        }
    }

    /// Every name in a `checks:` list must be a defined health check.
    func references(_ checks: [String], at listPath: String, defined: Set<String>) {
        var seen: Set<String> = []
        for (index, name) in checks.enumerated() {
            let path = KeyPaths.element(listPath, index)
            if !seen.insert(name).inserted {
                diag.report(path, "\"\(name)\" is listed twice")
            } else if !defined.contains(name) {
                var message = "unknown health check \"\(name)\""
                if let near = KeySuggestion.nearest(to: name, among: defined.sorted()) {
                    message += "; did you mean \"\(near)\"?"
                } else if defined.isEmpty {
                    message += "; healthChecks defines none"
                } else {
                    message += "; defined: \(defined.sorted().joined(separator: ", "))"
                }
                diag.report(path, message)
            }
        }
    }

    /// A VIP must not be a peer's or this node's own address.
    func vipAddressesAvoidCluster(_ vips: [Located<VIPConfig>], cluster: ClusterConfig) {
        for vip in vips {
            let path = KeyPaths.child(vip.path, "address")
            guard !diag.hasProblem(at: path) else { continue }
            if let index = cluster.peers.firstIndex(of: vip.value.address) {
                diag.report(path, "\(vip.value.address) is the address of peer cluster.peers[\(index)]")
            } else if vip.value.address == cluster.bind {
                diag.report(path, "\(vip.value.address) is this node's cluster.bind address")
            }
        }
    }
}
