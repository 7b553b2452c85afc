import Foundation
import GratuitousARP

/// The blocking half of conflict detection: RFC 5227 probes for the VIPs, and the MACs peer
/// agents answer with for their own addresses (so that a peer holding the VIP is never taken
/// for a stray host). Runs only on its own serial queue, never on the agent's loop.
// @unchecked Sendable: every member is touched only on `queue`.
final class ConflictProber: @unchecked Sendable {
    /// How long replies to one probe are awaited.
    static let window: Duration = .milliseconds(300)
    /// How long the peers' answers for their own addresses are awaited (all asked at once).
    static let peerWindow: Duration = .milliseconds(200)
    /// The peers are asked only when an unknown MAC answers for the VIP, and each at most this
    /// often: a peer that answered (its MAC may have changed since) …
    static let answeredPeerSpacing: Duration = .seconds(5)
    /// … and a peer that did not (one on another segment never does).
    static let silentPeerSpacing: Duration = .seconds(10)

    let queue = DispatchQueue(label: "vip-agent conflict probes")
    private let peers: [[UInt8]]
    private var probes: [String: ARPProbe] = [:]
    private var peerMACs: [String: [[UInt8]: [[UInt8]]]] = [:]
    /// When each peer was last asked, per interface.
    private var asked: [String: [[UInt8]: ContinuousClock.Instant]] = [:]

    var peerCount: Int { peers.count }

    /// `peers`: the peers' IPv4 addresses (IPv6 peers cannot answer ARP).
    init(peers: [[UInt8]]) {
        self.peers = peers
    }

    /// What one probe found: the claimants and the peers' MACs as known after it.
    struct Finding: Sendable {
        var claimants: [[UInt8]]
        var peerMACs: [[UInt8]: [[UInt8]]]
    }

    /// On `queue`: probes `address` on `interface`. When a claimant is neither `own` nor a known
    /// peer MAC, asks the peers for their MACs on this interface.
    func probe(_ address: [UInt8], on interface: String, own: Set<[UInt8]>) throws -> Finding {
        let (claimants, peerMACs) = try probe([address], on: interface, own: own)
        return Finding(claimants: claimants[address] ?? [], peerMACs: peerMACs)
    }

    /// On `queue`: probes every address of `addresses` on `interface` at once (one window for
    /// all: a start with many VIPs waits one window, not one per VIP).
    func probe(_ addresses: [[UInt8]], on interface: String, own: Set<[UInt8]>) throws
        -> (claimants: [[UInt8]: [[UInt8]]], peerMACs: [[UInt8]: [[UInt8]]]) {
        let probe = try opened(interface)
        do {
            let found = try probe.claimants(of: addresses, window: Self.window)
            let claimants = found.values.flatMap { $0 }
            var known = peerMACs[interface] ?? [:]
            if claimants.contains(where: { mac in !own.contains(mac) && !known.values.contains { $0.contains(mac) } }) {
                var last = asked[interface] ?? [:]
                let now = ContinuousClock.now
                let due = peers.filter { peer in
                    last[peer].map { now - $0 >= (known[peer] == nil ? Self.silentPeerSpacing : Self.answeredPeerSpacing) } ?? true
                }
                let answers = due.isEmpty ? [:] : try probe.claimants(of: due, window: Self.peerWindow)
                for peer in due {
                    known[peer] = answers[peer]
                    last[peer] = now
                }
                peerMACs[interface] = known
                asked[interface] = last
            }
            return (found, known)
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
