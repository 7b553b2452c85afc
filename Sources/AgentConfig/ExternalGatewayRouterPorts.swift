/// `externalGateway.logicalRouterPorts: [a, b]`, or its shorthand `logicalRouterPort: a`: the
/// router ports whose gateway chassis the one gateway election orders. Exactly one of the two
/// keys may be given; neither means the default VPC's port.
enum ExternalGatewayRouterPorts {
    static let singleKey = "logicalRouterPort"
    static let listKey = "logicalRouterPorts"

    static func decode(_ r: MappingReader, diag: Diagnostics) -> [String] {
        let fallback = [ExternalGatewayConfig.defaultLogicalRouterPort]
        switch (r.has(singleKey), r.has(listKey)) {
        case (true, true):
            diag.report(r.path(listKey), "give either \(r.path(singleKey)) (one port) or \(r.path(listKey)) (a list), not both")
            return fallback
        case (true, false):
            guard let name = r.string(singleKey) else { return fallback }
            if let problem = FieldRules.routerPortNameProblem(name) {
                diag.report(r.path(singleKey), problem)
                return fallback
            }
            return [name]
        case (false, true):
            return list(r, diag: diag) ?? fallback
        case (false, false):
            return fallback
        }
    }

    /// The list's names, or nil (after reporting) when it is unusable.
    private static func list(_ r: MappingReader, diag: Diagnostics) -> [String]? {
        guard let elements = r.stringList(listKey) else { return nil }
        if elements.isEmpty && r.list(listKey)?.isEmpty == true {
            diag.report(r.path(listKey), "needs at least one router port, e.g. [\(ExternalGatewayConfig.defaultLogicalRouterPort)]")
            return nil
        }
        var names: [String] = []
        var firstPath: [String: String] = [:]
        var usable = true
        for element in elements {
            if let problem = FieldRules.routerPortNameProblem(element.value) {
                diag.report(element.path, problem)
                usable = false
                continue
            }
            if let first = firstPath[element.value] {
                diag.report(element.path, "\"\(element.value)\" is listed twice (also \(first))")
                usable = false
                continue
            }
            firstPath[element.value] = element.path
            names.append(element.value)
        }
        return usable && !names.isEmpty ? names : nil
    }
}
