import ElectionProtocol

/// The health a VIP group advertises, from the checks it lists and the link of its interface
/// (carrier lost is an implicit failing check). Pure.
public enum HealthGate {
    public struct Input: Equatable, Sendable {
        public var checks: [(name: String, state: Health)]
        /// nil: no interface (that is a fault, decided elsewhere).
        public var carrier: Bool?
        public var interface: String?

        public init(checks: [(name: String, state: Health)], carrier: Bool?, interface: String?) {
            self.checks = checks
            self.carrier = carrier
            self.interface = interface
        }

        public static func == (a: Input, b: Input) -> Bool {
            a.carrier == b.carrier && a.interface == b.interface
                && a.checks.map(\.name) == b.checks.map(\.name) && a.checks.map(\.state) == b.checks.map(\.state)
        }
    }

    /// The health and, when not healthy, why in words.
    public static func evaluate(_ input: Input) -> (health: Health, why: String?) {
        if input.carrier == false {
            return (.unhealthy, "\(input.interface ?? "interface"): no carrier")
        }
        let failing = input.checks.filter { $0.state == .unhealthy }.map(\.name)
        if !failing.isEmpty {
            return (.unhealthy, "failing: \(failing.joined(separator: ", "))")
        }
        let pending = input.checks.filter { $0.state == .unknown }.map(\.name)
        if !pending.isEmpty {
            return (.unknown, "no result yet: \(pending.joined(separator: ", "))")
        }
        return (.healthy, nil)
    }
}
