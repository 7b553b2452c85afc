import BasicTypes
import HostModel

/// What to change on the host so that the VIP is exactly where it should be: on `target` only
/// while this node holds it, nowhere otherwise. Pure: a snapshot in, steps out.
///
/// Kube-OVN moves every address of a NIC onto the OVS bridge, secondaries included, so a VIP can
/// end up on two interfaces, or be removed by another program: the plan restores one copy.
public struct PlacementPlan: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        case add(interface: String)
        case remove(interface: String)
    }

    public let steps: [Step]

    public init(vip: IPAddress, holding: Bool, target: String?, snapshot: HostSnapshot) {
        let present = snapshot.interfacesHolding(vip)
        var steps: [Step] = []
        let keep = holding ? target : nil
        // Add before removing, so that a re-homed VIP is never absent from the host.
        if let keep, !present.contains(keep) { steps.append(.add(interface: keep)) }
        for name in present where name != keep { steps.append(.remove(interface: name)) }
        self.steps = steps
    }

    public var isEmpty: Bool { steps.isEmpty }
}
