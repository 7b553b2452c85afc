import BasicTypes
import ElectionProtocol
import HostModel

/// Neighbours must learn the MAC the VIP answers from, and no other host may answer for it:
/// announce again when the interface's MAC changes, and FAULT while another host claims the VIP.
extension NodeCore {
    /// A bond fail-over (`fail_over_mac=active`), an OVS bridge taking its port's MAC or an
    /// operator's `ip link set … address`: neighbours still hold the old MAC, so a new burst of
    /// announcements goes out from the interface the VIP is on.
    mutating func followMAC(vip i: Int, _ now: Instant, _ out: inout Effects) {
        let link = vips[i].placedOn.flatMap { snapshot.link(named: $0) }
        let mac = link.map(\.mac).flatMap { $0.isEmpty ? nil : $0 }
        defer { vips[i].placedMAC = mac }
        guard vips[i].holding, let link, let mac, let old = vips[i].placedMAC, old != mac else { return }
        let oldText = LinkInfo(index: 0, name: "", mac: old).macText
        out.log(.notice, "\(vips[i].name): the MAC of \(link.name) changed from \(oldText) to \(link.macText); announcing \(vips[i].address) again",
                group: vips[i].name)
        vips[i].announcements.start(at: now)
    }

    /// Every conflict, with peers and with other hosts on a VIP's segment, for status and metrics.
    public var conflictList: [(kind: String, peer: String, detail: String)] {
        conflicts.active.map { ($0.kind.rawValue, $0.peer.description, $0.detail) }
            + vips.compactMap { v in
                v.conflictFault.map { ("addressConflict", v.conflictOwner ?? "", "\(v.name): \($0)") }
            }
    }

    /// The runtime's ARP probes found another host answering for the VIP (`owner`, its MAC), or
    /// found it gone (nil). The conflict is one more source of the group's fault: it resigns and
    /// sends no announcement against the other host (no ARP war) until the conflict ends.
    mutating func addressConflict(_ name: String, owner: String?, _ now: Instant, _ out: inout Effects) {
        guard let i = vips.firstIndex(where: { $0.name == name }) else { return }
        let fault = owner.map { "address conflict: \(vips[i].address) is answered by \($0)" }
        guard fault != vips[i].conflictFault else { return }
        vips[i].conflictFault = fault
        vips[i].conflictOwner = owner
        out.append(.conflictsChanged)
        if let fault {
            out.log(.error, "\(name): \(fault) (a host that is not an agent); FAULT until it stops", group: name)
        } else {
            out.log(.notice, "\(name): the address conflict on \(vips[i].address) has ended", group: name)
        }
        guard started else { return }
        perform(vips[i].driver.setFault(vips[i].fault, at: now), vip: i, now, &out)
    }
}
