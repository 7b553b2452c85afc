/// The order of merit of candidates: healthy before unhealthy, then not demoted (stepped down)
/// before demoted, then priority, then the higher node address (then the name, for a misconfigured
/// duplicate address). A step-down never hands the VIP to a node whose checks fail.
public struct Merit: Comparable, Sendable, CustomStringConvertible {
    public var demoted: Bool
    public var healthy: Bool
    public var priority: UInt8
    public var address: NodeAddress
    public var name: String

    public static func < (a: Merit, b: Merit) -> Bool {
        if a.healthy != b.healthy { return !a.healthy }
        if a.demoted != b.demoted { return a.demoted }
        if a.priority != b.priority { return a.priority < b.priority }
        if a.address != b.address { return a.address < b.address }
        return a.name < b.name
    }

    public static func == (a: Merit, b: Merit) -> Bool {
        a.demoted == b.demoted && a.healthy == b.healthy && a.priority == b.priority
            && a.address == b.address && a.name == b.name
    }

    /// Why `self` outranks `other`, in words for reasons and logs.
    public func whyAbove(_ other: Merit) -> String {
        if healthy != other.healthy { return "\(other.name) is unhealthy" }
        if demoted != other.demoted { return "\(other.name) stepped down" }
        if priority != other.priority { return "priority \(priority) > \(other.priority)" }
        return "equal priority \(priority), address \(address) > \(other.address)"
    }

    public var description: String {
        "\(name)(\(priority)\(healthy ? "" : ",unhealthy")\(demoted ? ",demoted" : ""))"
    }
}
