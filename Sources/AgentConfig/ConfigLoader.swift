import Foundation
import Yams

/// Reads and validates a configuration in one pass, reporting every problem with its key path.
public enum ConfigLoader {
    static let topLevelKeys = ["node", "cluster", "vips", "healthChecks", "startupGrace",
                               "announce", "status", "externalGateway", "host"]
    /// Larger files are refused rather than parsed.
    public static let maximumFileSize = 1 << 20

    /// Reads `path` and parses it. The path is not part of any key path.
    public static func load(path: String) -> Result<Configuration, ConfigProblems> {
        let bytes: [UInt8]
        do {
            bytes = try SystemAccess.readFile(path, limit: maximumFileSize)
        } catch {
            return .failure(ConfigProblems(problems: [ConfigProblem(keyPath: "", message: "\(error)")]))
        }
        guard let yaml = String(bytes: bytes, encoding: .utf8) else {
            return .failure(ConfigProblems(problems: [
                ConfigProblem(keyPath: "", message: "\(path) is not valid UTF-8 text"),
            ]))
        }
        return parse(yaml: yaml)
    }

    /// Parses and validates YAML text. `readFile` loads the files keys name (auth key,
    /// certificates); `hostName` is the default for `node`.
    public static func parse(yaml: String,
                             readFile: (String) throws -> [UInt8] = SystemAccess.readFile,
                             hostName: String = SystemAccess.hostName()) -> Result<Configuration, ConfigProblems> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return .failure(ConfigProblems(problems: [syntaxProblem(error)]))
        }
        return withoutActuallyEscaping(readFile) { readFile in
            let context = DecodeContext(diag: Diagnostics(), readFile: readFile)
            let configuration = decode(root ?? emptyNode, context: context, hostName: hostName)
            if let configuration, context.diag.isEmpty { return .success(configuration) }
            return .failure(ConfigProblems(problems: context.diag.problems))
        }
    }

    private static var emptyNode: Node { Node("") }

    private static func decode(_ root: Node, context: DecodeContext, hostName: String) -> Configuration? {
        let diag = context.diag
        guard let top = MappingReader(root, path: "", known: topLevelKeys, diag: diag) else { return nil }
        let node = SettingsSections.node(top, hostName: hostName)
        let cluster = ClusterSection.decode(section(top, "cluster", ClusterSection.keys), context: context)
        let vipList = top.list("vips")
        let vips = VIPSection.decode(vipList ?? [], diag: diag)
        let (checks, checkNames) = HealthCheckSection.decode(top.list("healthChecks") ?? [], context: context)
        let startupGrace = top.duration("startupGrace", in: DurationLimits.nonNegative) ?? Configuration.defaultStartupGrace
        let announce = SettingsSections.announce(section(top, "announce", SettingsSections.announceKeys))
        let status = SettingsSections.status(section(top, "status", SettingsSections.statusKeys))
        let host = SettingsSections.host(section(top, "host", SettingsSections.hostKeys))
        var gateway: Located<ExternalGatewayConfig>?
        if let reader = top.mapping("externalGateway", known: ExternalGatewaySection.keys),
           let node = top.node("externalGateway"), !YAMLValue.isNull(node) {
            gateway = Located(path: "externalGateway", value: ExternalGatewaySection.decode(reader, context: context))
        }

        if vips.isEmpty && gateway == nil && !diag.hasProblem(at: "vips") {
            diag.report("vips", "at least one VIP is required")
        }
        let cross = CrossChecks(diag: diag)
        cross.uniqueVIPs(vips)
        cross.uniqueRouterIds(vips, gateway: gateway, explicit: { path in
            KeyPaths.parent(of: path).flatMap { parentPath in
                vipList?.first { $0.path == parentPath }?.node.mapping?["routerId"]
            } != nil || path.hasPrefix("externalGateway")
        })
        cross.uniqueCheckNames(checks)
        for vip in vips {
            cross.references(vip.value.checks, at: KeyPaths.child(vip.path, "checks"), defined: checkNames)
        }
        if let gateway {
            cross.references(gateway.value.checks, at: "externalGateway.checks", defined: checkNames)
        }
        cross.vipAddressesAvoidCluster(vips, cluster: cluster)

        return Configuration(node: node, cluster: cluster, vips: vips.map(\.value),
                             healthChecks: checks.map(\.value), startupGrace: startupGrace,
                             announce: announce, status: status, externalGateway: gateway?.value, host: host)
    }

    /// A top-level section; absent reads as empty, a non-mapping is reported and gives `nil`.
    private static func section(_ top: MappingReader, _ key: String, _ keys: [String]) -> MappingReader? {
        guard top.has(key) else {
            return MappingReader(emptyNode, path: key, known: keys, diag: top.diag)
        }
        return top.mapping(key, known: keys)
    }

    static func syntaxProblem(_ error: Error) -> ConfigProblem {
        guard let yamlError = error as? YamlError else {
            return ConfigProblem(keyPath: "", message: "YAML syntax error: \(error)")
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let during = context.map { " (\($0.text))" } ?? ""
            return ConfigProblem(keyPath: "",
                                 message: "YAML syntax error at line \(mark.line), column \(mark.column): \(problem)\(during)")
        default:
            let text = "\(yamlError)".split(separator: "\n").first.map(String.init) ?? "\(yamlError)"
            return ConfigProblem(keyPath: "", message: "YAML syntax error: \(text)")
        }
    }
}
