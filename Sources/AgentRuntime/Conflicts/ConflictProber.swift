import Foundation
import GratuitousARP
import NIOCore

/// The host side of conflict detection: RFC 5227 ARP probes for the IPv4 VIPs, RFC 4862
/// neighbour solicitation probes for the IPv6 ones, and the MACs peer agents answer with for
/// their own addresses (ARP for IPv4 peers, NS for IPv6 ones), so that a peer holding the VIP
/// is never taken for a stray host.
///
/// On the agent's loop and never blocking it (`probe(…, completion:)`): the probes go out, the
/// replies queue on the packet socket, and they are read when the window has passed, at the
/// loop's first wake-up in a short leeway after it (`AgentLoop.scheduleTask(deadline:leeway:)`),
/// so a round rides the election's wake-ups instead of costing a thread of its own. Only the
/// probe before the first claim waits, on purpose (`probeNow`).
final class ConflictProber {
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
    /// How much later than its window a round's replies may be read (a longer window only
    /// hears more).
    static let readLeeway: TimeAmount = .milliseconds(150)

    private let peers: [[UInt8]]
    private var probes: [String: ARPProbe] = [:]
    private var neighborProbes: [String: NeighborProbe] = [:]
    private var peerMACs: [String: [[UInt8]: [[UInt8]]]] = [:]
    /// When each peer was last asked, per interface.
    private var asked: [String: [[UInt8]: ContinuousClock.Instant]] = [:]
    /// The reads of rounds under way (cancelled by `close`).
    private var pending: [UInt64: Scheduled<Void>] = [:]
    private var nextRead: UInt64 = 0

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

    /// Probes every address of `addresses` on `interface` at once (one window for all: many
    /// VIPs cost one window, not one per VIP; one per family when both are there) and calls
    /// `completion` on `loop` with what the window heard, after asking the peers for their
    /// MACs when an unknown one answered. `alive`: the peers the election hears now. Never waits.
    func probe(_ addresses: [[UInt8]], on interface: String, own: Set<[UInt8]>, alive: Set<[UInt8]>,
               loop: AgentLoop, completion: @escaping (Result<Claims, ConflictProbeError>) -> Void) {
        let finish: (Result<Claims, Error>) -> Void = { [weak self] result in
            if case .failure = result { self?.forget(interface) }
            completion(result.mapError { ConflictProbeError(description: "\($0)") })
        }
        // One family at a time, each in a window of its own (as the probes that waited did): a
        // burst of both families at once lost its last frames on a busy segment.
        let families = Self.families(of: addresses)
        func window(_ k: Int, _ found: [[UInt8]: [[UInt8]]]) {
            do {
                try sendProbes(families[k], on: interface)
            } catch {
                return finish(.failure(error))
            }
            after(Self.window, on: loop) { [weak self] in
                guard let self else { return }
                do {
                    let found = found.merging(try collectClaims(families[k], on: interface)) { $1 }
                    if k + 1 < families.count { return window(k + 1, found) }
                    askPeers(after: found)
                } catch {
                    finish(.failure(error))
                }
            }
        }
        func askPeers(after found: [[UInt8]: [[UInt8]]]) {
            let due = peersToAsk(after: found, on: interface, own: own, alive: alive)
            guard !due.isEmpty else { return finish(.success((found, peerMACs[interface] ?? [:]))) }
            do {
                try sendPeerQueries(due, on: interface)
            } catch {
                return finish(.failure(error))
            }
            after(Self.peerWindow, on: loop) { [weak self] in
                guard let self else { return }
                do {
                    try learnPeerAnswers(due, on: interface)
                    finish(.success((found, peerMACs[interface] ?? [:])))
                } catch {
                    finish(.failure(error))
                }
            }
        }
        guard !families.isEmpty else { return finish(.success(([:], peerMACs[interface] ?? [:]))) }
        window(0, [:])
    }

    /// The same probe, waited for on the calling thread: only before the first claim, when the
    /// node must not become MASTER before it knows.
    /// Uses the probes' own blocking calls, one family per window like `probe`.
    func probeNow(_ addresses: [[UInt8]], on interface: String, own: Set<[UInt8]>) throws -> Claims {
        do {
            var found: [[UInt8]: [[UInt8]]] = [:]
            for family in Self.families(of: addresses) {
                let claims = family[0].count == 4 ? try opened(interface).claimants(of: family, window: Self.window)
                                                  : try openedNeighbor(interface).claimants(of: family, window: Self.window)
                found.merge(claims) { $1 }
            }
            let due = peersToAsk(after: found, on: interface, own: own, alive: [])
            var answers: [[UInt8]: [[UInt8]]] = [:]
            for family in Self.families(of: due) {
                answers.merge(family[0].count == 4
                    ? try opened(interface).claimants(of: family, window: Self.peerWindow)
                    : try openedNeighbor(interface).owners(of: family, source: LinkLocalAddress.first(on: interface), window: Self.peerWindow)) { $1 }
            }
            learn(answers, of: due, on: interface)
            return (found, peerMACs[interface] ?? [:])
        } catch {
            forget(interface)
            throw error
        }
    }

    /// `body` on `loop` once `window` has passed (within `readLeeway` after).
    private func after(_ window: Duration, on loop: AgentLoop, _ body: @escaping () -> Void) {
        let (seconds, attoseconds) = window.components
        nextRead &+= 1
        let id = nextRead
        let bound = NIOLoopBound((prober: self, body: body), eventLoop: loop)
        pending[id] = loop.scheduleTask(deadline: .now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000),
                                        leeway: Self.readLeeway) {
            bound.value.prober.pending[id] = nil
            bound.value.body()
        }
    }

    /// The IPv4 addresses, then the IPv6 ones (the empty family left out): each gets a window of its own.
    private static func families(of addresses: [[UInt8]]) -> [[[UInt8]]] {
        [addresses.filter { $0.count == 4 }, addresses.filter { $0.count == 16 }].filter { !$0.isEmpty }
    }

    private func sendProbes(_ addresses: [[UInt8]], on interface: String) throws {
        let v4 = addresses.filter { $0.count == 4 }, v6 = addresses.filter { $0.count == 16 }
        if !v4.isEmpty { try opened(interface).sendClaimProbes(for: v4) }
        if !v6.isEmpty { try openedNeighbor(interface).sendClaimProbes(for: v6) }
    }

    private func collectClaims(_ addresses: [[UInt8]], on interface: String) throws -> [[UInt8]: [[UInt8]]] {
        var found: [[UInt8]: [[UInt8]]] = [:]
        let v4 = addresses.filter { $0.count == 4 }, v6 = addresses.filter { $0.count == 16 }
        if !v4.isEmpty { found.merge(try opened(interface).collectClaims(of: v4)) { $1 } }
        if !v6.isEmpty { found.merge(try openedNeighbor(interface).collectClaims(of: v6)) { $1 } }
        return found
    }

    /// The peers worth asking for their MACs now: none unless a MAC that is neither this host's
    /// nor a known peer's answered; then those not asked lately (see the spacings). Marks them asked.
    private func peersToAsk(after found: [[UInt8]: [[UInt8]]], on interface: String, own: Set<[UInt8]>,
                            alive: Set<[UInt8]>) -> [[UInt8]] {
        let known = peerMACs[interface] ?? [:]
        let claimants = found.values.flatMap { $0 }
        guard claimants.contains(where: { mac in !own.contains(mac) && !known.values.contains { $0.contains(mac) } }) else { return [] }
        var last = asked[interface] ?? [:]
        let now = ContinuousClock.now
        let due = peers.filter { peer in
            if known[peer] == nil, alive.contains(peer) { return true }
            return last[peer].map { now - $0 >= (known[peer] == nil ? Self.silentPeerSpacing : Self.answeredPeerSpacing) } ?? true
        }
        for peer in due { last[peer] = now }
        asked[interface] = last
        return due
    }

    /// Asks the peers of `due` for the MACs they answer with for their own addresses.
    private func sendPeerQueries(_ due: [[UInt8]], on interface: String) throws {
        let v4 = due.filter { $0.count == 4 }, v6 = due.filter { $0.count == 16 }
        if !v4.isEmpty { try opened(interface).sendClaimProbes(for: v4) }
        if !v6.isEmpty { try openedNeighbor(interface).sendOwnerQueries(for: v6, source: LinkLocalAddress.first(on: interface)) }
    }

    /// The peers' answers queued since `sendPeerQueries`: a peer that did not answer is unknown.
    private func learnPeerAnswers(_ due: [[UInt8]], on interface: String) throws {
        learn(try collectClaims(due, on: interface), of: due, on: interface)
    }

    /// The peers of `due` known by the MACs they answered with; one that did not answer is unknown.
    private func learn(_ answers: [[UInt8]: [[UInt8]]], of due: [[UInt8]], on interface: String) {
        var known = peerMACs[interface] ?? [:]
        for peer in due { known[peer] = answers[peer] }
        peerMACs[interface] = known
    }

    private func forget(_ interface: String) {
        Self.closeAside(arp: [probes.removeValue(forKey: interface)].compactMap { $0 },
                        neighbor: [neighborProbes.removeValue(forKey: interface)].compactMap { $0 })
    }

    /// Closes the sockets; a round under way never completes.
    func close() {
        pending.values.forEach { $0.cancel() }
        pending = [:]
        Self.closeAside(arp: Array(probes.values), neighbor: Array(neighborProbes.values))
        probes = [:]
        neighborProbes = [:]
    }

    /// Closing a packet socket waits for an RCU grace period (`synchronize_net`, 10-30 ms and
    /// more on a busy host): done off the loop, so that a shutdown's resign adverts never wait
    /// for it.
    private static func closeAside(arp: [ARPProbe], neighbor: [NeighborProbe]) {
        guard !arp.isEmpty || !neighbor.isEmpty else { return }
        DispatchQueue.global().async {
            arp.forEach { $0.close() }
            neighbor.forEach { $0.close() }
        }
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
