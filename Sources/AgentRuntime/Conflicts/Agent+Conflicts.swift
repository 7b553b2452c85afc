import AgentConfig
import ElectionProtocol
import Foundation
import HostModel
import NIOCore
import NodeCore

/// Address conflicts: every VIP is probed on its interface from the start and all the time, an
/// IPv4 VIP by ARP ("who has the VIP?", sender 0.0.0.0, RFC 5227), an IPv6 VIP by neighbour
/// solicitation (from ::, to its solicited-node group, RFC 4862 §5.4), so a stray host holding
/// it is found before this node claims it and while it is MASTER. A conflict makes the group
/// FAULT (the core) with the stray's MAC in the reason, is counted in
/// `vip_agent_address_conflicts_total{vip}` and ends when the probes find it gone. The periodic
/// probes run on the agent's loop without waiting (`ConflictProber`); only the one before the
/// first claim waits. All the VIPs due on one interface share one probe window, at the start
/// and periodically.
extension Agent {
    /// Before the first claim: one probe of every VIP, waited for on the loop (the 300 ms
    /// window, plus asking the peers their MACs when an unknown host answers), so that a stray
    /// host found now makes the group FAULT before it can become MASTER. Call before `.start`.
    func probeConflictsBeforeClaiming(_ snapshot: HostSnapshot) {
        let peers = configuration.cluster.peers.map(\.bytes)
        let watch = ConflictWatch(prober: ConflictProber(peers: peers))
        conflictWatch = watch
        let own = Set(snapshot.links.map(\.mac).filter { !$0.isEmpty })
        // All the VIPs of one interface in one probe: one window however many VIPs there are.
        var byInterface: [String: [VIPConfig]] = [:]
        for vip in configuration.vips {
            let resolution = InterfaceResolver.resolve(configured: vip.interface, vip: vip.address,
                                                       prefixLength: vip.prefixLength, snapshot: snapshot)
            guard let interface = resolution.interface else { continue }
            byInterface[interface, default: []].append(vip)
        }
        var findings: [String: ConflictProber.Finding] = [:]
        for (interface, vips) in byInterface.sorted(by: { $0.key < $1.key }) {
            let prober = watch.prober
            do {
                let (claimants, peerMACs) = try prober.probeNow(vips.map(\.address.bytes), on: interface, own: own)
                for vip in vips {
                    findings[vip.name] = ConflictProber.Finding(claimants: claimants[vip.address.bytes] ?? [], peerMACs: peerMACs)
                }
            } catch {
                logger.warning("probing for address conflicts on \(interface) failed: \(error)")
            }
        }
        for vip in configuration.vips {
            guard let finding = findings[vip.name] else { continue }
            // No peer is known to hold the VIP yet; an unknown MAC is a stray for certain only
            // when every peer told its MAC (a peer whose election address is on another segment
            // may hold the VIP here): otherwise the periodic probes confirm it.
            let evidence = ConflictEvidence(ownMACs: own, peerMACs: finding.peerMACs, holding: false, masterPeer: nil)
            var tracker = ConflictTracker()
            let change = tracker.observe(evidence.strangers(among: finding.claimants),
                                         certain: evidence.isCertain(among: finding.claimants, peerCount: peers.count))
            watch.trackers[vip.name] = tracker
            if case .began(let owner) = change {
                watch.lastLogged[vip.name] = ContinuousClock.now
                observers.addressConflict(vip: vip.name)
                feed(.addressConflict(vip: vip.name, owner: macText(owner)))
            }
        }
    }

    /// After `.start`: the periodic probes.
    func startConflictProbes() {
        guard let watch = conflictWatch else { return }
        let now = ContinuousClock.now
        for vip in configuration.vips {
            watch.schedule.probed(vip.name, at: now, next: watch.trackers[vip.name]?.nextDelay ?? .zero)
        }
        scheduleConflictProbes()
    }

    func stopConflictWatch() {
        guard let watch = conflictWatch else { return }
        conflictWatch = nil
        watch.task?.cancel()
        watch.task = nil
        watch.prober.close()
    }

    /// Arms the one timer for the earliest due probe (none while a round is out).
    private func scheduleConflictProbes() {
        guard let watch = conflictWatch, watch.inFlight == 0 else { return }
        watch.task?.cancel()
        let now = ContinuousClock.now
        // No VIP (a reload removed them all): look again later, for the VIPs a reload adds.
        let next = watch.schedule.next(of: core.vips.map(\.name), at: now) ?? now.advanced(by: ConflictTracker.interval)
        let (seconds, attoseconds) = max(.zero, now.duration(to: next)).components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let bound = self.bound
        // Within the leeway after it is due: a round rides a wake-up the election has anyway.
        watch.task = loop.scheduleTask(deadline: .now() + .nanoseconds(nanoseconds), leeway: ConflictWatch.roundLeeway) {
            bound.value.runConflictProbes()
        }
    }

    /// One round: every VIP due (`ConflictSchedule`), one probe window per interface.
    private func runConflictProbes() {
        guard let watch = conflictWatch else { return }
        watch.task = nil
        let now = ContinuousClock.now
        var batches: [String: [(name: String, address: [UInt8])]] = [:]
        let round = Set(watch.schedule.round(of: core.vips.map(\.name), at: now))
        for group in core.vips where round.contains(group.name) {
            guard let interface = group.placedOn ?? group.resolution.interface else {
                watch.schedule.probed(group.name, at: now, next: ConflictTracker.interval)
                continue
            }
            batches[interface, default: []].append((group.name, group.address.bytes))
        }
        watch.inFlight = batches.count
        guard !batches.isEmpty else { return scheduleConflictProbes() }
        let own = ownMACs()
        let alive = alivePeers()
        let bound = self.bound
        for (interface, vips) in batches {
            watch.prober.probe(vips.map(\.address), on: interface, own: own, alive: alive, loop: loop) { result in
                bound.value.conflictsProbed(vips, on: interface, startedAt: now, result)
            }
        }
    }

    /// A round's verdicts for the VIPs of one interface; the next round once every interface answered.
    /// The next probe of each is due counted from `startedAt`, the round's start: a round that
    /// began late or read late (the loop's leeway) does not stretch the period.
    private func conflictsProbed(_ vips: [(name: String, address: [UInt8])], on interface: String, startedAt: ContinuousClock.Instant,
                                 _ result: Result<ConflictProber.Claims, ConflictProbeError>) {
        guard let watch = conflictWatch else { return }
        watch.inFlight -= 1
        defer { scheduleConflictProbes() }
        switch result {
        case .failure(let error):
            if watch.mayLog("interface " + interface) {
                logger.warning("probing \(vips.map(\.name).joined(separator: ", ")) for address conflicts on \(interface) failed: \(error)")
            }
            for vip in vips { watch.schedule.probed(vip.name, at: startedAt, next: ConflictTracker.interval) }
        case .success(let (claimants, peerMACs)):
            for vip in vips {
                conflictProbed(vip.name, ConflictProber.Finding(claimants: claimants[vip.address] ?? [], peerMACs: peerMACs), startedAt: startedAt)
            }
        }
    }

    /// One VIP's verdict from a round: the tracker says whether its conflict begins or ends.
    private func conflictProbed(_ name: String, _ finding: ConflictProber.Finding, startedAt: ContinuousClock.Instant) {
        guard let watch = conflictWatch, let group = core.vips.first(where: { $0.name == name }) else { return }
        let master = group.election.master(at: MonotonicClock.now())
        let evidence = ConflictEvidence(
            ownMACs: ownMACs(), peerMACs: finding.peerMACs, holding: group.holding,
            masterPeer: master.flatMap { $0 == identity ? nil : $0.address.bytes })
        var tracker = watch.trackers[name] ?? ConflictTracker()
        let change = tracker.observe(evidence.strangers(among: finding.claimants),
                                     certain: evidence.isCertain(among: finding.claimants, peerCount: watch.prober.peerCount))
        watch.trackers[name] = tracker
        // The regular period counts from the round's start (a late round does not stretch it); a
        // confirmation or a backoff from now, so that it still follows the verdict by its delay.
        watch.schedule.probed(name, at: tracker.nextDelay == ConflictTracker.interval ? startedAt : .now, next: tracker.nextDelay)
        switch change {
        case .began(let owner):
            watch.lastLogged[name] = ContinuousClock.now  // the core logs this one
            observers.addressConflict(vip: name)
            feed(.addressConflict(vip: name, owner: macText(owner)))
            observers.changed()
        case .ended:
            watch.lastLogged[name] = nil
            feed(.addressConflict(vip: name, owner: nil))
            observers.changed()
        case nil:
            if let owner = tracker.owner, watch.mayLog(name) {
                logger.warning("\(name): address conflict: \(group.address) is still answered by \(macText(owner))",
                               metadata: ["vip": "\(name)"])
            }
        }
    }

    /// The peers whose datagrams arrived within the last second (their MACs are worth asking for
    /// at once when an unknown host answers for a VIP: see `ConflictProber.silentPeerSpacing`).
    private func alivePeers() -> Set<[UInt8]> {
        let now = MonotonicClock.now()
        var alive: Set<[UInt8]> = []
        for peer in configuration.cluster.peers {
            guard let heard = core.lastHeard[NodeAddress(peer)] else { continue }
            if now - heard < 1_000_000_000 { alive.insert(peer.bytes) }  // nanoseconds
        }
        return alive
    }

    /// The MACs of this host's links, as last seen.
    private func ownMACs() -> Set<[UInt8]> {
        Set(core.snapshot.links.map(\.mac).filter { !$0.isEmpty })
    }
}

/// A probe that could not be sent or read (its text names the interface and the cause).
struct ConflictProbeError: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// "aa:bb:cc:dd:ee:ff"
func macText(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
}
