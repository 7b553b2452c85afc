/// RFC 7047 §5.1 notation helpers: building and reading atoms, sets and maps.
public enum OVSDBDatum {
    /// `["uuid", "…"]`
    public static func uuid(_ uuid: String) -> JSONValue { .array([.string("uuid"), .string(uuid)]) }

    /// `["named-uuid", "…"]`, to refer to a row inserted earlier in the same transaction.
    public static func namedUUID(_ name: String) -> JSONValue { .array([.string("named-uuid"), .string(name)]) }

    /// `["set", [...]]`
    public static func set(_ atoms: [JSONValue]) -> JSONValue { .array([.string("set"), .array(atoms)]) }

    /// `["map", [[k, v], ...]]` with string keys and values, sorted by key.
    public static func map(_ pairs: [String: String]) -> JSONValue {
        .array([.string("map"), .array(pairs.keys.sorted().map { .array([.string($0), .string(pairs[$0]!)]) })])
    }
}

extension JSONValue {
    /// The UUID of a `["uuid", "…"]` atom.
    public var ovsdbUUID: String? {
        guard case .array(let a) = self, a.count == 2, a[0] == .string("uuid") else { return nil }
        return a[1].stringValue
    }

    /// The atoms of a set datum. A lone atom is a set of one (RFC 7047 §5.1); `["set", [...]]` is a set.
    public var ovsdbSetAtoms: [JSONValue]? {
        if case .array(let a) = self, a.count == 2, a[0] == .string("set") { return a[1].arrayValue }
        if case .array(let a) = self, a.count == 2, a[0] == .string("map") { return nil }
        return [self]
    }

    /// The UUIDs of a set-of-uuid datum (a lone `["uuid", …]` or `["set", [["uuid", …], …]]`).
    public var ovsdbUUIDSet: [String]? {
        guard let atoms = ovsdbSetAtoms else { return nil }
        var uuids: [String] = []
        for atom in atoms {
            guard let uuid = atom.ovsdbUUID else { return nil }
            uuids.append(uuid)
        }
        return uuids
    }

    /// A string→string map datum `["map", [[k, v], …]]`; non-string entries make it nil.
    public var ovsdbStringMap: [String: String]? {
        guard case .array(let a) = self, a.count == 2, a[0] == .string("map"), let pairs = a[1].arrayValue
        else { return nil }
        var map: [String: String] = [:]
        for pair in pairs {
            guard let kv = pair.arrayValue, kv.count == 2, let k = kv[0].stringValue, let v = kv[1].stringValue
            else { return nil }
            map[k] = v
        }
        return map
    }
}
