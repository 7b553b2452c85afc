import Foundation
import GratuitousARP

/// The blocking half of conflict detection: RFC 5227 ARP probes for the IPv4 VIPs, RFC 4862
/// neighbour solicitation probes for the IPv6 ones, and the MACs peer agents answer with for
/// their own addresses (ARP for IPv4 peers, NS for IPv6 ones), so that a peer holding the VIP
/// is never taken for a stray host. Runs only on its own serial queue, never on the agent's loop.
// @unchecked Sendable: every member is touched only on `queue`.
final class ConflictProber: @unchecked Sendable {
    /// How long replies to one probe are awaited.
    static let window: Duration = .milliseconds(300)
    /// How long the peers' answers for their own addresses are awaited (all asked at once).
    static let peerWindow: Duration = .milliseconds(200)
    /// The peers are asked only when an unknown MAC answers for the VIP, and each at most this
    /// often: a peer that answered (its MAC may have changed since) …
    static let answeredPeerSpacing: Duration = .seconds(5)
    /// … and a peer that did not (one on another segment never does) — unless the election
    /// hears it now: a peer that was cut off when it was asked (a partition) is asked again at
    /// once, since after the partition heals it may still hold the VIP for a moment and must not
    /// be taken for a stray host.
    static let silentPeerSpacing: Duration = .seconds(10)

    let queue = DispatchQueue(label: "vip-agent conflict probes")
    private let peers: [[UInt8]]
    private var probes: [String: ARPProbe] = [:]
    private var neighborProbes: [String: NeighborProbe] = [:]
    private var peerMACs: [String: [[UInt8]: [[UInt8]]]] = [:]
    /// When each peer was last asked, per interface.
    private var asked: [String: [[UInt8]: ContinuousClock.Instant]] = [:]

    var peerCount: Int { peers.count }

    /// `peers`: the peers' addresses (IPv4 ones are asked by ARP, IPv6 ones by NS).
    init(peers: [[UInt8]]) {
        self.peers = peers
    }

    /// What one probe of several addresses found: the MACs claiming each address, and the
    /// peers' MACs (by peer address) as known after it.
    typealias Claims = (claimants: [[UInt8]: [[UInt8]]], peerMACs: [[UInt8]: [[UInt8]]])

    /// What one probe found: the claimants and the peers' MACs as known after it.
    struct Finding: Sendable {
        var claimants: [[UInt8]]
        var peerMACs: [[UInt8]: [[UInt8]]]
    }

    /// On `queue`: probes every address of `addresses` on `interface` at once (one window for
    /// all: many VIPs cost one window, not one per VIP; one per family when both are there).
    /// `alive`: the peers the election hears now.
    func probe(_ addresses: [[UInt8]], on interface: String, own: Set<[UInt8]>, alive: Set<[UInt8]> = []) throws -> Claims {
        do {
            var found: [[UInt8]: [[UInt8]]] = [:]
            let v4 = addresses.filter { $0.count == 4 }, v6 = addresses.filter { $0.count == 16 }
            if !v4.isEmpty { found.merge(try opened(interface).claimants(of: v4, window: Self.window)) { $1 } }
            if !v6.isEmpty { found.merge(try openedNeighbor(interface).claimants(of: v6, window: Self.window)) { $1 } }
            let claimants = found.values.flatMap { $0 }
            var known = peerMACs[interface] ?? [:]
            if claimants.contains(where: { mac in !own.contains(mac) && !known.values.contains { $0.contains(mac) } }) {
                var last = asked[interface] ?? [:]
                let now = ContinuousClock.now
                let due = peers.filter { peer in
                    if known[peer] == nil, alive.contains(peer) { return true }
                    return last[peer].map { now - $0 >= (known[peer] == nil ? Self.silentPeerSpacing : Self.answeredPeerSpacing) } ?? true
                }
                let answers = try askPeers(due, on: interface)
                for peer in due {
                    known[peer] = answers[peer]
                    last[peer] = now
                }
                peerMACs[interface] = known
                asked[interface] = last
            }
            return (found, known)
        } catch {
            probes.removeValue(forKey: interface)?.close()
            neighborProbes.removeValue(forKey: interface)?.close()
            throw error
        }
    }

    /// The MACs the peers of `due` answer with for their own addresses on `interface`.
    private func askPeers(_ due: [[UInt8]], on interface: String) throws -> [[UInt8]: [[UInt8]]] {
        var answers: [[UInt8]: [[UInt8]]] = [:]
        let v4 = due.filter { $0.count == 4 }, v6 = due.filter { $0.count == 16 }
        if !v4.isEmpty { answers.merge(try opened(interface).claimants(of: v4, window: Self.peerWindow)) { $1 } }
        if !v6.isEmpty {
            answers.merge(try openedNeighbor(interface).owners(of: v6, source: LinkLocalAddress.first(on: interface),
                                                             window: Self.peerWindow)) { $1 }
        }
        return answers
    }

    func close() {
        probes.values.forEach { $0.close() }
        probes = [:]
        neighborProbes.values.forEach { $0.close() }
        neighborProbes = [:]
    }

    private func opened(_ interface: String) throws -> ARPProbe {
        if let probe = probes[interface] { return probe }
        let probe = try ARPProbe(interface: interface)
        probes[interface] = probe
        return probe
    }

    private func openedNeighbor(_ interface: String) throws -> NeighborProbe {
        if let probe = neighborProbes[interface] { return probe }
        let probe = try NeighborProbe(interface: interface)
        neighborProbes[interface] = probe
        return probe
    }
}
