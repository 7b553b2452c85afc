import Foundation

/// What the reconciler knows and remembers about one router port. Every port is planned from
/// the same election result, but its rows, its writes, its hold time and its retries are its own:
/// a port that is missing or refuses a write never holds the others back.
struct GatewayPortState: Sendable {
    let name: String
    /// The port and its rows from the monitor's replica; nil when the port does not exist.
    var view: GatewayPortView?
    /// Bumped whenever `view` changes, so a write's reply never overwrites fresher rows.
    var generation = 0
    /// The order we last wrote or found in place as the master, and when we last changed it.
    var lastOrder: [String]?
    var lastReorderAt: ContinuousClock.Instant?
    var lastWrite: Date?
    var lastWriteResult: String?
    /// Members with no row on this port, as last logged.
    var missingReported: [String] = []
    /// A reorder is being held back by `minHoldTime` (logged and counted once per hold).
    var holding = false
    var retryDelay: Duration
    /// Whether `options:nat-addresses` was ensured on this connection (GatewayReconciler+NATAddresses),
    /// and the external switch's router-type ports that carry it.
    var natAddressesEnsured = false
    var natAddressPorts: [String] = []

    init(name: String, retryDelay: Duration) {
        self.name = name
        self.retryDelay = retryDelay
    }

    /// Takes the port's rows from a new replica. A port that (re)appears gets its NAT-address
    /// option ensured again.
    mutating func take(_ newView: GatewayPortView?) {
        if view == nil { natAddressesEnsured = false }
        guard newView != view else { return }
        view = newView
        generation += 1
    }
}
