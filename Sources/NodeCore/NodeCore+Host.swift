import BasicTypes
import ElectionProtocol
import HostModel

/// The host side of the node core: which interface carries each VIP (following the node's
/// address when Kube-OVN moves it onto a bridge), faults and link health from the host
/// snapshot, and the placement steps that make the host match the election.
extension NodeCore {
    /// After any link or address change (or when a debounce hold ends): re-resolve each VIP's
    /// interface, update faults and link health, and put the VIP back where it belongs.
    mutating func refreshHost(_ now: Instant, _ out: inout Effects) {
        for i in vips.indices {
            resolve(vip: i, now, &out)
            if let retry = vips[i].placementRetryAt, retry <= now {
                vips[i].placementRetryAt = nil
                vips[i].placementFault = nil
                out.log(.notice, "\(vips[i].name): trying to place \(vips[i].address) again", group: vips[i].name)
            }
            perform(vips[i].driver.setFault(vips[i].fault, at: now), vip: i, now, &out)
            updateHealth(vip: i, now, &out)
            place(vip: i, now, &out)
            followMAC(vip: i, now, &out)
        }
        updateGatewayHealth(now, &out)
    }

    private mutating func resolve(vip i: Int, _ now: Instant, _ out: inout Effects) {
        let config = vips[i].config
        let fresh = InterfaceResolver.resolve(configured: config.interface, vip: config.address,
                                              prefixLength: config.prefixLength, snapshot: snapshot)
        // Losing the interface counts only once it has lasted the hold: Kube-OVN moves the node's
        // address in steps (enslave the port, delete the address, add it on the bridge), and for
        // those milliseconds no interface holds it. Meanwhile the VIP stays where it is.
        let lost = fresh.interface == nil && vips[i].resolution.interface != nil
        let resolution = vips[i].interfaceLoss.counts(lost: lost, at: now) || !lost ? fresh : vips[i].resolution
        if resolution != vips[i].resolution {
            let text = resolution.interface.map { "\($0)\(resolution.reason.map { " (\($0))" } ?? "")" }
                ?? "none: \(resolution.fault ?? "no interface")"
            out.log(.notice, "\(config.name): interface for \(config.address) is \(text)", group: config.name)
        }
        vips[i].resolution = resolution
        // Carrier loss counts only once it has lasted the hold: a bridge that has just taken the
        // port (the re-homing case) comes up within milliseconds and must not cause a failover.
        let link = resolution.interface.flatMap { snapshot.link(named: $0) }
        let carrier = link.map { $0.isUp && $0.hasCarrier }
        let carrierLost = carrier == false
        vips[i].driver.healthInput.interface = resolution.interface
        vips[i].driver.healthInput.carrier =
            vips[i].carrierLoss.counts(lost: carrierLost, at: now) || !carrierLost ? carrier : true
    }

    /// Makes the host match the group: exactly one copy of the VIP on the effective interface
    /// while holding, none otherwise. The core assumes the steps succeed (so that the first
    /// announcement follows the address at once); a refused step comes back as `.placed` and
    /// is undone here. Announces from the new interface after a move, or after restoring a VIP
    /// that another program removed (neighbours may have learnt another MAC meanwhile).
    mutating func place(vip i: Int, _ now: Instant, _ out: inout Effects) {
        let group = vips[i]
        let target = group.resolution.interface
        let plan = PlacementPlan(vip: group.address, holding: group.holding, target: target, snapshot: snapshot)
        let previous = group.placedOn
        vips[i].placedBefore = previous
        vips[i].placedOn = group.holding ? target : nil
        vips[i].placementAdded = plan.steps.contains { if case .add = $0 { true } else { false } }
        guard !plan.isEmpty else { return }
        out.append(.place(vip: group.name, address: group.address, steps: plan.steps))
        for step in plan.steps { snapshot.apply(step, address: group.address) }
        guard group.holding, let current = target, let previous else { return }
        if previous != current {
            out.log(.notice, "\(group.name): moved \(group.address) from \(previous) to \(current): \(group.resolution.reason ?? "configured interface")",
                    group: group.name)
            vips[i].announcements.start(at: now)
        } else if plan.steps.contains(.add(interface: current)) {
            out.log(.notice, "\(group.name): restored \(group.address) on \(current) after it was removed by another program",
                    group: group.name)
            vips[i].announcements.start(at: now)
        }
    }

    /// What became of the last placement. A refused add makes the group FAULT with the host's
    /// error as its reason (so it resigns and a peer takes the VIP at once, instead of a MASTER
    /// holding nothing), and it tries again after a backoff.
    mutating func placed(_ name: String, _ failures: [PlacementFailure], _ now: Instant, _ out: inout Effects) {
        guard let i = vips.firstIndex(where: { $0.name == name }) else { return }
        guard !failures.isEmpty else {
            if vips[i].placementAdded { vips[i].placementFailures = 0 }
            return
        }
        let address = vips[i].address
        for failure in failures {
            snapshot.undo(failure.step, address: address)
            out.log(.error, "\(name): \(failure.error)", group: name)
        }
        guard vips[i].holding, let refused = failures.first(where: { if case .add = $0.step { true } else { false } }) else { return }
        vips[i].placedOn = vips[i].placedBefore
        vips[i].placementFailures += 1
        let wait = min(VIPGroup.placementRetryFirst << min(vips[i].placementFailures - 1, 16), VIPGroup.placementRetryMax)
        vips[i].placementRetryAt = now + wait
        vips[i].placementFault = "the host refused the VIP: \(refused.error)"
        out.log(.error, "\(name): cannot hold \(address): \(refused.error); FAULT, trying again in \(formatNanoseconds(wait))",
                group: name)
        perform(vips[i].driver.setFault(vips[i].fault, at: now), vip: i, now, &out)
    }
}

extension HostSnapshot {
    /// The snapshot as it will be once `step` has been carried out (the VIP as a host address:
    /// /32 or /128, as the runtime adds it).
    mutating func apply(_ step: PlacementPlan.Step, address: IPAddress) {
        switch step {
        case .add(let name):
            guard let link = link(named: name) else { return }
            addresses.append(InterfaceAddress(interfaceIndex: link.index, interfaceName: name,
                                              address: address, prefixLength: address.bitWidth))
        case .remove(let name):
            addresses.removeAll { $0.interfaceName == name && $0.address == address }
        }
    }

    mutating func undo(_ step: PlacementPlan.Step, address: IPAddress) {
        switch step {
        case .add(let name): apply(.remove(interface: name), address: address)
        case .remove(let name): apply(.add(interface: name), address: address)
        }
    }
}
