import AgentConfig
import BasicTypes
import ElectionProtocol

/// A configuration reload (SIGHUP) applied to the running node, without dropping what stays:
/// - a VIP that stays (same name, address/prefix, interface, routerId) keeps its election's
///   state; its new priority, preempt, delays, interval and checks apply in place, and a changed
///   priority is advertised at once;
/// - a removed VIP (or one whose address, interface or routerId changed: another VIP under the
///   same name) resigns as at shutdown: off the host, priority 0 in a datagram sent at once;
/// - an added VIP starts as a starting node's would (INIT → BACKUP, the listen period);
/// - peers added or removed (a removed peer is forgotten), checks added or removed (a check
///   added by the reload gates from its first verdict, so that a reload alone never hands a
///   VIP over).
/// What needs a restart (`ConfigChanges.restartOnly`) is the runtime's to refuse before: the
/// core keeps the identity, epoch, key and gateway group it started with.
extension NodeCore {
    mutating func reconfigure(_ fresh: NodeSettings, _ now: Instant, _ out: inout Effects) {
        let old = settings.configuration
        let new = fresh.configuration
        let oldPeers = settings.peers

        // 1. Groups that go resign, in one datagram to the peers, while they are still in it.
        let leaving = vips.indices.filter { i in
            guard let c = new.vips.first(where: { $0.name == vips[i].name }) else { return true }
            return vips[i].config.otherServiceThan(c) != nil
        }
        for i in leaving {
            out.log(.notice, "\(vips[i].name): resigning (removed from the configuration)", group: vips[i].name)
            perform(vips[i].driver.handle(.shutdown, at: now), vip: i, now, &out)
            vips[i].announcements.stop()
        }
        if started, !leaving.isEmpty {
            sendDatagrams(now, to: Array(oldPeers).sorted(), &out, scheduled: false)
        }
        let leavingNames = Set(leaving.map { vips[$0].name })
        vips.removeAll { leavingNames.contains($0.name) }
        reindexVIPs()

        // 2. Peers and checks.
        settings.configuration = new
        let peers = settings.peers
        let forgotten = oldPeers.subtracting(peers).sorted()
        for peer in forgotten {
            lastHeard[peer] = nil
            nodeNames[peer] = nil
            answeredAt[peer] = nil
            conflicts.forget(peer)
        }
        if !forgotten.isEmpty { out.append(.conflictsChanged) }
        let oldChecks = Set(old.healthChecks.map(\.name))
        for name in Self.gatingChecks(new).subtracting(Self.gatingChecks(old)) where checkStates[name] == nil {
            pendingChecks.insert(name)  // started by this reload: it has not run yet
        }
        for name in oldChecks where !new.healthChecks.contains(where: { $0.name == name }) {
            checkStates[name] = nil
            pendingChecks.remove(name)
        }

        // 3. Groups that stay: new parameters, same state.
        let peerCount = new.cluster.peers.count
        for i in vips.indices {
            guard let c = new.vips.first(where: { $0.name == vips[i].name }) else { continue }
            let config = vips[i].reconfigure(c, peerCount: peerCount, settings: settings)
            perform(vips[i].driver.handle(.reconfigured(config, forget: forgotten), at: now), vip: i, now, &out)
        }
        if let gw = gateway, peerCount != gw.election.config.peerCount || !forgotten.isEmpty {
            var config = gw.election.config
            config.peerCount = peerCount
            config.startupGrace = new.startupGrace.nanoseconds
            gatewayHandle(.reconfigured(config, forget: forgotten), now, &out)
        }

        // 4. Groups that come: as at start, in the order of the file.
        let kept = vips
        vips = new.vips.map { c in
            kept.first { $0.name == c.name }
                ?? VIPGroup(config: c, identity: identity, peerCount: peerCount, settings: settings)
        }
        reindexVIPs()
        var routerIds = Set(new.vips.map(\.routerId))
        if let gw = gateway { routerIds.insert(gw.config.routerId) }
        intake.reconfigure(peers: peers, routerIds: routerIds)
        sendInterval = shortestInterval
        if let next = nextSendAt, next > now + sendInterval { nextSendAt = now + sendInterval }
        guard started else { return }
        refreshHost(now, &out)  // resolves the new groups' interfaces, the health of every group
        for i in vips.indices where vips[i].election.state == .initial {
            perform(vips[i].driver.handle(.start, at: now), vip: i, now, &out)
        }
        updateGatewayHealth(now, &out)
        out.advertise = true
    }

    /// The checks that gate a group (the runtime runs exactly these).
    static func gatingChecks(_ c: Configuration) -> Set<String> {
        Set(c.vips.flatMap(\.checks) + (c.externalGateway?.checks ?? []))
    }
}
