import BasicTypes

/// The small top-level sections: `node`, `startupGrace`, `announce:`, `status:` and `host:`.
enum SettingsSections {
    static let hostKeys = ["repairDuplicates"]

    static func host(_ r: MappingReader?) -> HostConfig {
        var host = HostConfig()
        guard let r else { return host }
        host.repairDuplicates = r.bool("repairDuplicates") ?? host.repairDuplicates
        return host
    }

    static let announceKeys = ["garpCount", "garpInterval", "refreshInterval"]
    static let statusKeys = ["socket", "socketGroup", "metrics"]

    static func node(_ root: MappingReader, hostName: String) -> String {
        let diag = root.diag
        if root.has("node") {
            let node = root.string("node") ?? ""
            if let problem = FieldRules.nodeNameProblem(node) { diag.report(root.path("node"), problem) }
            return node
        }
        if let problem = FieldRules.nodeNameProblem(hostName) {
            diag.report(root.path("node"), "defaults to the host name, which is not usable (\(problem)); set node")
        }
        return hostName
    }

    static func announce(_ r: MappingReader?) -> AnnounceConfig {
        var announce = AnnounceConfig()
        guard let r else { return announce }
        announce.garpCount = r.int("garpCount", in: 0...100) ?? announce.garpCount
        announce.garpInterval = r.duration("garpInterval", in: .milliseconds(1)...(.seconds(10))) ?? announce.garpInterval
        if let refresh = r.duration("refreshInterval", in: DurationLimits.nonNegative) {
            if refresh != .zero && refresh < .seconds(1) {
                r.diag.report(r.path("refreshInterval"), "\(formatDuration(refresh)) is too short; use 0s (off) or at least 1s")
            } else {
                announce.refreshInterval = refresh
            }
        }
        return announce
    }

    static func status(_ r: MappingReader?) -> StatusConfig {
        var status = StatusConfig()
        guard let r else { return status }
        let diag = r.diag
        if let socket = r.string("socket") {
            if !socket.hasPrefix("/") {
                diag.report(r.path("socket"), "\"\(socket)\" is not an absolute path")
            } else if socket.utf8.count > FieldRules.maxSocketPathLength {
                diag.report(r.path("socket"), "is \(socket.utf8.count) bytes; the control socket path allows \(FieldRules.maxSocketPathLength) (a unix socket path holds 107, and the agent binds <socket>.new first)")
            }
            status.socket = socket
        }
        if let group = r.string("socketGroup") {
            if group.isEmpty || group.contains(where: { $0.isWhitespace || $0 == ":" }) {
                diag.report(r.path("socketGroup"), "\"\(group)\" is not a group name")
            }
            status.socketGroup = group
        }
        if let node = r.node("metrics") {
            if YAMLValue.isNull(node) {
                status.metrics = nil
            } else if let text = YAMLValue.string(node, path: r.path("metrics"), diag: diag) {
                if text.isEmpty {
                    status.metrics = nil
                } else if HostPort(text) == nil {
                    diag.report(r.path("metrics"), "\"\(text)\" is not host:port, e.g. 127.0.0.1:9450 (empty: off)")
                } else {
                    status.metrics = text
                }
            }
        }
        return status
    }
}
