import Foundation

/// Renders status documents and history for humans (`vipctl status`, `vipctl history`). Pure.
public enum StatusFormatter {
    /// The status table: VIPs, then checks, peers, counters (and the gateway group if any).
    public static func table(_ doc: StatusDocument) -> String {
        table(doc, now: nil)
    }

    /// Like `table(_:)`; with `now`, timestamps also show their age ("… (3m ago)").
    public static func table(_ doc: StatusDocument, now: Date?) -> String {
        var sections: [String] = []
        sections.append("node \(TextTable.sanitize(doc.node))  vip-agent \(TextTable.sanitize(doc.version))")
        sections.append(vipSection(doc.vips, now: now))
        if !doc.checks.isEmpty { sections.append(checkSection(doc.checks, now: now)) }
        if !doc.peers.isEmpty { sections.append(peerSection(doc.peers, now: now)) }
        if let gateway = doc.gateway { sections.append(gatewaySection(gateway, now: now)) }
        if !doc.hostProblems.isEmpty { sections.append(hostProblemSection(doc.hostProblems)) }
        if !doc.conflicts.isEmpty { sections.append(conflictSection(doc.conflicts)) }
        sections.append(counterSection(doc.counters, drops: doc.drops))
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The transitions, oldest first as given: TIME, VIP, FROM, TO, REASON.
    public static func history(_ entries: [HistoryEntry]) -> String {
        guard !entries.isEmpty else { return "no transitions recorded\n" }
        var table = TextTable(["TIME", "VIP", "FROM", "TO", "REASON"])
        for e in entries {
            table.add([e.time, e.vip, e.from, e.to, e.reason])
        }
        return table.render() + "\n"
    }

    // MARK: Sections

    static func vipSection(_ vips: [VIPStatus], now: Date?) -> String {
        guard !vips.isEmpty else { return "no VIPs configured" }
        var table = TextTable(["VIP", "ADDRESS", "STATE", "INTERFACE", "MASTER", "PRIORITY", "HEALTH",
                               "SINCE", "REASON"])
        var notes: [String] = []
        for vip in vips {
            table.add([vip.name, vip.address, vip.state, interfaceCell(vip), masterCell(vip.master),
                       priorityCell(vip), vip.healthy ? "healthy" : "unhealthy",
                       timeCell(vip.since, now: now), vip.reason])
            if let reason = vip.interfaceReason, !reason.isEmpty {
                notes.append("  \(vip.name): interface \(vip.interface): \(reason)")
            }
        }
        let notesText = notes.map(TextTable.sanitize).joined(separator: "\n")
        return table.render() + (notes.isEmpty ? "" : "\n" + notesText)
    }

    static func checkSection(_ checks: [CheckStatus], now: Date?) -> String {
        var table = TextTable(["CHECK", "HEALTH", "SINCE", "OK", "FAILED", "DETAIL"])
        for check in checks {
            table.add([check.name, check.healthy ? "healthy" : "unhealthy", timeCell(check.since, now: now),
                       String(check.successes), String(check.failures), check.detail])
        }
        return table.render()
    }

    static func peerSection(_ peers: [PeerStatus], now: Date?) -> String {
        var table = TextTable(["PEER", "NODE", "STATE", "PRIORITY", "HEALTH", "LAST SEEN", "SEND ERRORS"])
        for peer in peers {
            let health = peer.healthy.map { $0 ? "healthy" : "unhealthy" } ?? "-"
            table.add([peer.address, peer.node ?? "-", peer.state ?? "-", peer.priority.map(String.init) ?? "-",
                       health, peer.lastSeen.map { timeCell($0, now: now) } ?? "never",
                       peer.sendErrors.map(String.init) ?? "-"])
        }
        return table.render()
    }

    static func gatewaySection(_ gateway: GatewayStatus, now: Date?) -> String {
        var lines = ["GATEWAY routerId \(gateway.routerId)  state \(gateway.state)  active chassis "
                     + (gateway.activeChassis ?? "-")]
        lines.append("  northbound: " + (gateway.nbConnected ? "connected" : "disconnected")
                     + (gateway.nbDetail.isEmpty ? "" : " (\(gateway.nbDetail))"))
        if let lastWrite = gateway.lastWrite {
            lines.append("  last write: \(timeCell(lastWrite, now: now)) \(gateway.lastWriteResult ?? "")")
        }
        var table = TextTable(["MEMBER", "CHASSIS", "HEALTH", "ROW PRIORITY"])
        for member in gateway.members {
            table.add([member.node, member.chassis ?? "-",
                       member.healthy.map { $0 ? "healthy" : "unhealthy" } ?? "-",
                       member.rowPriority.map(String.init) ?? "-"])
        }
        let header = lines.map { TextTable.sanitize($0).trimmingTrailingSpaces() }.joined(separator: "\n")
        var parts = [header]
        if !gateway.members.isEmpty { parts.append(table.render(indent: "  ")) }
        if !gateway.ports.isEmpty { parts.append(gatewayPortTable(gateway.ports, now: now)) }
        return parts.joined(separator: "\n")
    }

    /// One line per router port: its active chassis, its order, the last write and what is wrong.
    static func gatewayPortTable(_ ports: [GatewayPortStatus], now: Date?) -> String {
        var table = TextTable(["ROUTER PORT", "ACTIVE", "ORDER", "LAST WRITE", "DETAIL"])
        for port in ports {
            let order = port.gatewayChassis.map { "\($0.chassis) \($0.priority)" }.joined(separator: " > ")
            // "ok: <order>" repeats the ORDER column: "ok" says it.
            let result = port.lastWriteResult.map { $0.hasPrefix("ok:") ? "ok" : $0 } ?? ""
            let lastWrite = port.lastWrite.map { "\(timeCell($0, now: now)) \(result)" }
            let detail = port.found == false ? "not found" : port.detail
            table.add([port.name, port.activeChassis ?? "-", order.isEmpty ? "-" : order, lastWrite ?? "-",
                       detail.isEmpty ? "-" : detail])
        }
        return table.render(indent: "  ")
    }

    static func hostProblemSection(_ problems: [HostProblemStatus]) -> String {
        (["HOST PROBLEMS"] + problems.map { "  \($0.kind): \($0.detail)" })
            .map(TextTable.sanitize).joined(separator: "\n")
    }

    static func conflictSection(_ conflicts: [ConflictStatus]) -> String {
        (["CONFLICTS"] + conflicts.map { "  \($0.kind) with \($0.peer): \($0.detail)" })
            .map(TextTable.sanitize).joined(separator: "\n")
    }

    static func counterSection(_ counters: Counters, drops: [String: UInt64]) -> String {
        let pairs: [(String, UInt64)] = [
            ("adverts sent", counters.advertsSent), ("adverts received", counters.advertsReceived),
            ("auth failures", counters.authFailures), ("malformed", counters.malformed),
            ("replays", counters.replays), ("garps sent", counters.garpsSent),
            ("transitions", counters.transitions),
        ] + (counters.evidenceSaves.map { [("takeovers saved by evidence", $0)] } ?? [])
        var lines = ["COUNTERS"] + pairs.map { "  \($0.0): \($0.1)" }
        if !drops.isEmpty {
            lines.append("DROPS")
            lines += drops.sorted { $0.key < $1.key }.map { "  \(TextTable.sanitize($0.key)): \($0.value)" }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Cells

    static func interfaceCell(_ vip: VIPStatus) -> String {
        vip.interface == vip.configuredInterface
            ? vip.interface
            : "\(vip.interface) (configured \(vip.configuredInterface))"
    }

    static func masterCell(_ master: MasterRef?) -> String {
        guard let master else { return "-" }
        return "\(master.node) (\(master.address))"
    }

    static func priorityCell(_ vip: VIPStatus) -> String {
        vip.priority == vip.effectivePriority
            ? String(vip.priority)
            : "\(vip.effectivePriority) (configured \(vip.priority))"
    }

    static func timeCell(_ timestamp: String, now: Date?) -> String {
        guard let now, let then = parseIsoTimestamp(timestamp) else { return timestamp }
        return "\(timestamp) (\(age(now.timeIntervalSince(then))))"
    }

    /// "just now", "42s ago", "5m ago", "3h12m ago", "2d4h ago"; "in the future" for clock skew.
    public static func age(_ interval: TimeInterval) -> String {
        guard interval.isFinite else { return "unknown" }
        if interval < -1 { return "in the future" }
        let seconds = Int64(max(0, min(interval, 9e15)))
        switch seconds {
        case 0: return "just now"
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86_400: return "\(seconds / 3600)h\(seconds % 3600 / 60)m ago"
        default: return "\(seconds / 86_400)d\(seconds % 86_400 / 3600)h ago"
        }
    }
}
