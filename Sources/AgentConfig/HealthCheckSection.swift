import BasicTypes
import Yams

/// `healthChecks:` — named probes with rise/fall, exactly one kind each.
enum HealthCheckSection {
    static let kinds = ["https", "tcp", "exec", "arp"]
    static let keys = ["name"] + kinds + ["interval", "timeout", "rise", "fall"]

    /// Decoded checks, plus every name seen (even on broken entries, so that references to
    /// them do not pile up a second problem).
    static func decode(_ elements: [(path: String, node: Node)],
                       context: DecodeContext) -> (checks: [Located<HealthCheckConfig>], names: Set<String>) {
        var checks: [Located<HealthCheckConfig>] = []
        var names: Set<String> = []
        for element in elements {
            guard let reader = MappingReader(element.node, path: element.path, known: keys, diag: context.diag) else {
                continue
            }
            let name = reader.string("name", required: true)
            if let name {
                names.insert(name)
                if let problem = FieldRules.objectNameProblem(name) {
                    context.diag.report(reader.path("name"), problem)
                }
            }
            let kind = decodeKind(reader, context: context)
            let interval = reader.duration("interval", in: .milliseconds(10)...DurationLimits.unbounded) ?? .seconds(1)
            let timeout = reader.duration("timeout", in: .milliseconds(1)...DurationLimits.unbounded) ?? .milliseconds(500)
            if timeout > interval, !context.diag.hasProblem(at: reader.path("interval")),
               !context.diag.hasProblem(at: reader.path("timeout")) {
                let at = reader.has("timeout") ? reader.path("timeout") : reader.path("interval")
                context.diag.report(at, "timeout \(formatDuration(timeout)) is longer than interval \(formatDuration(interval))")
            }
            let check = HealthCheckConfig(
                name: name ?? "", kind: kind ?? .exec(command: []), interval: interval, timeout: timeout,
                rise: reader.int("rise", in: 1...1000) ?? 2, fall: reader.int("fall", in: 1...1000) ?? 3)
            checks.append(Located(path: element.path, value: check))
        }
        return (checks, names)
    }

    private static func decodeKind(_ reader: MappingReader, context: DecodeContext) -> HealthCheckKind? {
        let present = kinds.filter(reader.has)
        guard present.count == 1, let keyword = present.first else {
            if present.isEmpty {
                context.diag.report(reader.path, "needs one kind: \(kinds.joined(separator: ", "))")
            } else {
                context.diag.report(reader.path(present[1]), "a check has exactly one kind; this one also has \(present[0])")
            }
            return nil
        }
        switch keyword {
        case "https":
            return reader.mapping("https", known: ["url", "caFile", "insecureSkipVerify", "certFile", "keyFile"])
                .flatMap { https($0, context: context) }
        case "tcp":
            return reader.mapping("tcp", known: ["address"]).flatMap { tcp($0, diag: context.diag) }
        case "exec":
            return reader.mapping("exec", known: ["command"]).flatMap { exec($0, diag: context.diag) }
        default:
            return reader.mapping("arp", known: ["target", "interface"]).flatMap { arp($0, diag: context.diag) }
        }
    }

    private static func https(_ r: MappingReader, context: DecodeContext) -> HealthCheckKind? {
        let diag = context.diag
        let url = r.string("url", required: true)
        if let url, !isHTTPSURL(url) {
            diag.report(r.path("url"), "\"\(url)\" is not an https:// URL, e.g. https://127.0.0.1:6443/readyz")
        }
        let caFile = r.string("caFile")
        let certFile = r.string("certFile")
        let keyFile = r.string("keyFile")
        for (key, file) in [("caFile", caFile), ("certFile", certFile), ("keyFile", keyFile)] {
            if let file { context.checkReadable(file, path: r.path(key)) }
        }
        if r.has("certFile") != r.has("keyFile") {
            let (missing, given) = r.has("certFile") ? ("keyFile", "certFile") : ("certFile", "keyFile")
            diag.report(r.path(missing), "required together with \(given)")
        }
        guard let url else { return nil }
        return .https(url: url, caFile: caFile, insecureSkipVerify: r.bool("insecureSkipVerify") ?? false,
                      certFile: certFile, keyFile: keyFile)
    }

    private static func tcp(_ r: MappingReader, diag: Diagnostics) -> HealthCheckKind? {
        guard let address = r.string("address", required: true) else { return nil }
        guard HostPort(address) != nil else {
            diag.report(r.path("address"), "\"\(address)\" is not host:port, e.g. 127.0.0.1:6443")
            return nil
        }
        return .tcp(address: address)
    }

    private static func exec(_ r: MappingReader, diag: Diagnostics) -> HealthCheckKind? {
        guard r.has("command") else {
            diag.report(r.path("command"), "required")
            return nil
        }
        guard let command = r.stringList("command") else { return nil }
        guard let program = command.first else {
            diag.report(r.path("command"), "must name a program, e.g. [\"/usr/bin/true\"]")
            return nil
        }
        if program.value.isEmpty {
            diag.report(program.path, "must not be empty")
            return nil
        }
        return .exec(command: command.map(\.value))
    }

    private static func arp(_ r: MappingReader, diag: Diagnostics) -> HealthCheckKind? {
        var target: IPAddress?
        if let text = r.string("target", required: true) {
            if let ip = IPAddress(text), ip.isIPv4 {
                target = ip
            } else {
                diag.report(r.path("target"), "\"\(text)\" is not an IPv4 address (ARP is IPv4 only)")
            }
        }
        var interface: String?
        if let name = r.string("interface", required: true) {
            if let problem = FieldRules.interfaceNameProblem(name) {
                diag.report(r.path("interface"), problem)
            } else {
                interface = name
            }
        }
        guard let target, let interface else { return nil }
        return .arp(target: target, interface: interface)
    }

    private static func isHTTPSURL(_ url: String) -> Bool {
        guard url.lowercased().hasPrefix("https://") else { return false }
        let rest = url.dropFirst("https://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !authority.isEmpty && !url.contains(where: { $0.isWhitespace })
    }
}
