import BasicTypes
import Yams

/// `vips:` — each floating address and its election group.
enum VIPSection {
    static let keys = ["name", "address", "interface", "routerId", "priority", "preempt",
                       "preemptDelay", "advertInterval", "checks", "stepDownHold", "minHoldTime"]

    static func decode(_ elements: [(path: String, node: Yams.Node)], diag: Diagnostics) -> [Located<VIPConfig>] {
        elements.enumerated().compactMap { index, element in
            guard let reader = MappingReader(element.node, path: element.path, known: keys, diag: diag) else {
                return nil
            }
            return Located(path: element.path, value: decodeOne(reader, index: index, diag: diag))
        }
    }

    private static func decodeOne(_ r: MappingReader, index: Int, diag: Diagnostics) -> VIPConfig {
        let name = r.string("name", required: true) ?? ""
        if r.has("name"), let problem = FieldRules.objectNameProblem(name) {
            diag.report(r.path("name"), problem)
        }
        var address = IPAddress(bytes: [0, 0, 0, 0])!
        var prefix: UInt8 = 32
        if let text = r.string("address", required: true) {
            switch FieldRules.parseCIDR(text) {
            case .success(let parsed): (address, prefix) = parsed
            case .failure(let error): diag.report(r.path("address"), error.message)
            }
        }
        let interface = r.string("interface") ?? VIPConfig.autoInterface
        if r.has("interface"), interface != VIPConfig.autoInterface,
           let problem = FieldRules.interfaceNameProblem(interface) {
            diag.report(r.path("interface"), problem)
        }
        let defaultRouterId = min(index + 1, 255)
        return VIPConfig(
            name: name, address: address, prefixLength: prefix, interface: interface,
            routerId: UInt8(r.int("routerId", in: 1...255) ?? defaultRouterId),
            priority: UInt8(r.int("priority", in: 1...254) ?? 100),
            preempt: r.bool("preempt") ?? true,
            preemptDelay: r.duration("preemptDelay", in: DurationLimits.nonNegative) ?? .zero,
            advertInterval: r.duration("advertInterval", in: DurationLimits.advertInterval) ?? .milliseconds(100),
            checks: r.stringList("checks")?.map(\.value) ?? [],
            stepDownHold: r.duration("stepDownHold", in: DurationLimits.nonNegative) ?? .seconds(60),
            minHoldTime: r.duration("minHoldTime", in: DurationLimits.nonNegative) ?? VIPConfig.defaultMinHoldTime)
    }
}

/// A decoded value and the key path it came from (`vips[2]`).
struct Located<Value> {
    var path: String
    var value: Value
}
