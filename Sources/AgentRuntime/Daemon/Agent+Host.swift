import HostPlumbing
import Logging
import NIOCore

/// The host side of the agent: where each VIP lives, following the node's address.
extension Agent {
    /// A copy of a VIP left by a crashed run would answer for a node that is not master.
    func removeStaleCopies() {
        for vip in configuration.vips {
            do {
                let removed = try route.removeAddressEverywhere(HostAddress(vip.address))
                if !removed.isEmpty {
                    logger.notice("\(vip.name): removed a stale copy of \(vip.address) from \(removed.joined(separator: ", ")) (left by an earlier run)",
                                  metadata: ["vip": "\(vip.name)"])
                }
            } catch {
                logger.error("\(vip.name): removing stale copies of \(vip.address): \(error)", metadata: ["vip": "\(vip.name)"])
            }
        }
    }

    /// After any link or address event: re-resolve each VIP's interface, update faults and link
    /// health, and put the VIP back where it belongs.
    func refreshHost() {
        guard let snapshot = takeSnapshot() else { return }
        for group in groups {
            resolve(group, snapshot)
            group.setFault(group.resolution.fault)
            updateHealth(group)
            place(group)
        }
        updateGatewayHealth(snapshot)
        reviewHostProblems(snapshot)
        observers.changed()
    }

    /// Makes the host match the group: exactly one copy of the VIP on the effective interface
    /// while holding, none otherwise. Announces from the new interface after a move.
    func place(_ group: VIPGroup) {
        guard let snapshot = takeSnapshot() else { return }
        resolve(group, snapshot)
        let target = group.resolution.interface
        let plan = PlacementPlan(vip: group.vip, holding: group.holding, target: target, snapshot: snapshot)
        var failed = false
        for step in plan.steps {
            do {
                switch step {
                case .add(let interface):
                    try route.addHostAddress(group.vip, interface: interface)
                    logger.info("\(group.name): added \(group.vip) on \(interface)", metadata: ["vip": "\(group.name)"])
                case .remove(let interface):
                    try route.removeHostAddress(group.vip, interface: interface)
                    logger.info("\(group.name): removed \(group.vip) from \(interface)", metadata: ["vip": "\(group.name)"])
                }
            } catch {
                failed = true
                logger.error("\(group.name): \(error)", metadata: ["vip": "\(group.name)"])
            }
        }
        let previous = group.placedOn
        group.placedOn = group.holding && !failed ? target : (group.holding ? previous : nil)
        if group.holding, let previous, let now = group.placedOn, previous != now {
            logger.notice("\(group.name): moved \(group.vip) from \(previous) to \(now): \(group.resolution.reason ?? "configured interface")",
                          metadata: ["vip": "\(group.name)"])
            group.startAnnouncing()
        } else if group.holding, plan.steps.contains(.add(interface: target ?? "")), previous != nil {
            // Someone removed our VIP and we put it back: neighbours may have learnt another MAC.
            logger.notice("\(group.name): restored \(group.vip) on \(target ?? "?") after it was removed by another program",
                          metadata: ["vip": "\(group.name)"])
            group.startAnnouncing()
        }
    }

    private func resolve(_ group: VIPGroup, _ snapshot: HostSnapshot) {
        let resolution = debouncedResolution(group, InterfaceResolver.resolve(
            configured: group.config.interface, vip: group.vip, prefixLength: group.config.prefixLength, snapshot: snapshot))
        if resolution != group.resolution {
            let text = resolution.interface.map { "\($0)\(resolution.reason.map { " (\($0))" } ?? "")" }
                ?? "none: \(resolution.fault ?? "no interface")"
            logger.notice("\(group.name): interface for \(group.vip) is \(text)", metadata: ["vip": "\(group.name)"])
        }
        group.resolution = resolution
        let link = resolution.interface.flatMap { snapshot.link(named: $0) }
        group.healthInput.interface = resolution.interface
        group.healthInput.carrier = debouncedCarrier(group, link.map { $0.isUp && $0.hasCarrier })
    }

    /// Carrier loss counts only once it has lasted `linkDownHold`: a bridge that has just taken
    /// the port (the re-homing case) comes up within milliseconds and must not cause a failover.
    private func debouncedCarrier(_ group: VIPGroup, _ carrier: Bool?) -> Bool? {
        let lost = carrier == false
        return lossCounts(lost, since: &group.carrierLostSince, hold: group.linkDownHold) || !lost ? carrier : true
    }

    /// Losing the interface counts only once it has lasted `linkDownHold`, as carrier loss does:
    /// Kube-OVN moves the node's address from the port to the bridge in steps (enslave the
    /// port, delete the address, add it on the bridge), and for those milliseconds no interface
    /// holds it. Meanwhile the VIP stays where it is, and no fault hands it to another node.
    private func debouncedResolution(_ group: VIPGroup, _ fresh: InterfaceResolver.Resolution) -> InterfaceResolver.Resolution {
        let lost = fresh.interface == nil && group.resolution.interface != nil
        return lossCounts(lost, since: &group.interfaceLostSince, hold: group.linkDownHold) || !lost ? fresh : group.resolution
    }

    /// Whether a loss counts yet: only once it has lasted `hold` since it began (`since`, kept
    /// by the caller); a host refresh is scheduled for the moment it would.
    private func lossCounts(_ lost: Bool, since: inout NIODeadline?, hold: TimeAmount) -> Bool {
        guard lost else {
            since = nil
            return false
        }
        let now = NIODeadline.now()
        guard let start = since else {
            since = now
            loop.scheduleTask(in: hold + .milliseconds(5)) { [weak self] in self?.refreshHost() }
            return false
        }
        return now - start >= hold
    }

    private func takeSnapshot() -> HostSnapshot? {
        do {
            return try route.snapshot()
        } catch {
            logger.error("reading links and addresses: \(error)")
            return nil
        }
    }
}
