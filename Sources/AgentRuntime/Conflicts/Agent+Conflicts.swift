import AgentConfig
import ElectionProtocol
import Foundation
import HostModel
import NIOCore
import NodeCore

/// Address conflicts (RFC 5227): every IPv4 VIP is probed on its interface ("who has the VIP?",
/// sender 0.0.0.0) from the start and all the time, so a stray host holding it is found before
/// this node claims it and while it is MASTER. A conflict makes the group FAULT (the core) with
/// the stray's MAC in the reason, is counted in `vip_agent_address_conflicts_total{vip}` and
/// ends when the probes find it gone. The probes block, so they run on the prober's queue; the
/// verdicts come back to the agent's loop.
///
/// IPv6 VIPs are not probed (a neighbour solicitation probe is left to do).
extension Agent {
    /// Before the first claim: one probe of every IPv4 VIP, waited for on the loop (the 300 ms
    /// window, plus asking the peers their MACs when an unknown host answers), so that a stray
    /// host found now makes the group FAULT before it can become MASTER. Call before `.start`.
    func probeConflictsBeforeClaiming(_ snapshot: HostSnapshot) {
        let peers = configuration.cluster.peers.filter(\.isIPv4).map(\.bytes)
        let watch = ConflictWatch(prober: ConflictProber(peers: peers))
        conflictWatch = watch
        let own = Set(snapshot.links.map(\.mac).filter { !$0.isEmpty })
        // All the VIPs of one interface in one probe: one window however many VIPs there are.
        var byInterface: [String: [VIPConfig]] = [:]
        for vip in configuration.vips where vip.address.isIPv4 {
            let resolution = InterfaceResolver.resolve(configured: vip.interface, vip: vip.address,
                                                       prefixLength: vip.prefixLength, snapshot: snapshot)
            guard let interface = resolution.interface else { continue }
            byInterface[interface, default: []].append(vip)
        }
        var findings: [String: ConflictProber.Finding] = [:]
        for (interface, vips) in byInterface.sorted(by: { $0.key < $1.key }) {
            let prober = watch.prober
            do {
                let (claimants, peerMACs) = try prober.queue.sync {
                    try prober.probe(vips.map(\.address.bytes), on: interface, own: own)
                }
                for vip in vips {
                    findings[vip.name] = ConflictProber.Finding(claimants: claimants[vip.address.bytes] ?? [], peerMACs: peerMACs)
                }
            } catch {
                logger.warning("probing for address conflicts on \(interface) failed: \(error)")
            }
        }
        for vip in configuration.vips where vip.address.isIPv4 {
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
        for vip in configuration.vips where vip.address.isIPv4 {
            scheduleConflictProbe(vip.name, after: watch.trackers[vip.name]?.nextDelay ?? .zero)
        }
    }

    func stopConflictWatch() {
        guard let watch = conflictWatch else { return }
        conflictWatch = nil
        watch.tasks.values.forEach { $0.cancel() }
        let prober = watch.prober
        prober.queue.async { prober.close() }
    }

    private func scheduleConflictProbe(_ name: String, after delay: Duration) {
        guard let watch = conflictWatch else { return }
        let bound = self.bound
        let (seconds, attoseconds) = delay.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        watch.tasks[name] = loop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            bound.value.runConflictProbe(name)
        }
    }

    private func runConflictProbe(_ name: String) {
        guard conflictWatch != nil, let group = core.vips.first(where: { $0.name == name }) else { return }
        guard let interface = group.placedOn ?? group.resolution.interface else {
            scheduleConflictProbe(name, after: ConflictTracker.interval)
            return
        }
        guard let prober = conflictWatch?.prober else { return }
        let address = group.address.bytes
        let own = ownMACs()
        let bound = self.bound
        let loop = self.loop
        prober.queue.async {
            let result: Result<ConflictProber.Finding, ConflictProbeError>
            do {
                result = .success(try prober.probe(address, on: interface, own: own))
            } catch {
                result = .failure(ConflictProbeError(description: "\(error)"))
            }
            loop.execute { bound.value.conflictProbed(name, on: interface, result) }
        }
    }

    private func conflictProbed(_ name: String, on interface: String, _ result: Result<ConflictProber.Finding, ConflictProbeError>) {
        guard let watch = conflictWatch, let group = core.vips.first(where: { $0.name == name }) else { return }
        switch result {
        case .failure(let error):
            if watch.mayLog(name) {
                logger.warning("\(name): probing for address conflicts on \(interface) failed: \(error)",
                               metadata: ["vip": "\(name)"])
            }
            scheduleConflictProbe(name, after: ConflictTracker.interval)
        case .success(let finding):
            let master = group.election.master(at: MonotonicClock.now())
            let evidence = ConflictEvidence(
                ownMACs: ownMACs(), peerMACs: finding.peerMACs, holding: group.holding,
                masterPeer: master.flatMap { $0 == identity ? nil : $0.address.bytes })
            var tracker = watch.trackers[name] ?? ConflictTracker()
            let change = tracker.observe(evidence.strangers(among: finding.claimants),
                                         certain: evidence.isCertain(among: finding.claimants, peerCount: watch.prober.peerCount))
            watch.trackers[name] = tracker
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
            scheduleConflictProbe(name, after: tracker.nextDelay)
        }
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
