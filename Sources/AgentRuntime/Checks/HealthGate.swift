import ElectionProtocol
import HealthChecks

/// The health a VIP group advertises, from the checks it lists and the link of its interface
/// (carrier lost is an implicit failing check). Pure.
enum HealthGate {
    struct Input: Equatable {
        var checks: [(name: String, state: CheckState)]
        /// nil: no interface (that is a fault, decided elsewhere).
        var carrier: Bool?
        var interface: String?

        static func == (a: Input, b: Input) -> Bool {
            a.carrier == b.carrier && a.interface == b.interface
                && a.checks.map(\.name) == b.checks.map(\.name) && a.checks.map(\.state) == b.checks.map(\.state)
        }
    }

    /// The health and, when not healthy, why in words.
    static func evaluate(_ input: Input) -> (health: Health, why: String?) {
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
