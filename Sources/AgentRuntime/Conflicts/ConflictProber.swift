import Foundation
import GratuitousARP

/// The blocking half of conflict detection: RFC 5227 probes for the VIPs, and the MACs peer
/// agents answer with for their own addresses (so that a peer holding the VIP is never taken
/// for a stray host). Runs only on its own serial queue, never on the agent's loop.
// @unchecked Sendable: every member is touched only on `queue`.
final class ConflictProber: @unchecked Sendable {
    /// How long replies to one probe are awaited.
    static let window: Duration = .milliseconds(300)
    /// The least time between two questions to a peer that did not answer (a peer on another
    /// segment never does); peers that answered are asked again whenever an unknown MAC answers
    /// for the VIP (their MAC may have changed).
    static let silentPeerSpacing: Duration = .seconds(10)

    let queue = DispatchQueue(label: "vip-agent conflict probes")
    private let peers: [[UInt8]]
    private var probes: [String: ARPProbe] = [:]
    private var peerMACs: [String: [[UInt8]: [UInt8]]] = [:]
    /// When each peer that did not answer was last asked, per interface.
    private var silentSince: [String: [[UInt8]: ContinuousClock.Instant]] = [:]

    /// `peers`: the peers' IPv4 addresses (IPv6 peers cannot answer ARP).
    init(peers: [[UInt8]]) {
        self.peers = peers
    }

    /// What one probe found: the claimants and the peers' MACs as known after it.
    struct Finding: Sendable {
        var claimants: [[UInt8]]
        var peerMACs: [[UInt8]: [UInt8]]
    }

    /// On `queue`: probes `address` on `interface`. When a claimant is neither `own` nor a known
    /// peer MAC, asks the peers for their MACs on this interface.
    func probe(_ address: [UInt8], on interface: String, own: Set<[UInt8]>) throws -> Finding {
        let probe = try opened(interface)
        do {
            let claimants = try probe.claimants(of: address, window: Self.window)
            var known = peerMACs[interface] ?? [:]
            if claimants.contains(where: { !own.contains($0) && !known.values.contains($0) }) {
                var silent = silentSince[interface] ?? [:]
                let now = ContinuousClock.now
                for peer in peers where silent[peer].map({ now - $0 >= Self.silentPeerSpacing }) ?? true {
                    if let mac = try probe.probe(target: peer, timeout: .milliseconds(200)) {
                        known[peer] = mac
                        silent[peer] = nil
                    } else {
                        known[peer] = nil
                        silent[peer] = now
                    }
                }
                peerMACs[interface] = known
                silentSince[interface] = silent
            }
            return Finding(claimants: claimants, peerMACs: known)
        } catch {
            probe.close()
            probes[interface] = nil
            throw error
        }
    }

    func close() {
        probes.values.forEach { $0.close() }
        probes = [:]
    }

    private func opened(_ interface: String) throws -> ARPProbe {
        if let probe = probes[interface] { return probe }
        let probe = try ARPProbe(interface: interface)
        probes[interface] = probe
        return probe
    }
}
