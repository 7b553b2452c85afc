import ElectionProtocol
import HealthChecks
import StatusProtocol

/// Something the agent did, for metrics.
enum AgentEvent: Sendable {
    case dropped(DropReason)
    /// Adverts per group since the last such event (batched: AdvertTally).
    case advertsCounted(sent: [String: Int64], received: [String: Int64])
    case garpSent(vip: String, count: Int)
    case addressConflict(vip: String)
    case transition(vip: String, to: String)
    case check(CheckReport)
    case gateway(GatewayStatus)
    case gatewayWrite(success: Bool)
    case hostProblems([HostProblemStatus])
    case conflicts([String: Int])
    case evidenceSaved(group: String)
    case reloaded(ReloadSummary)
}

/// Who listens to the agent: metrics (every event) and status watchers (every change of the
/// status document). Called on the agent's loop, so the closures need not be `Sendable`.
struct AgentObservers {
    var onEvent: [(AgentEvent) -> Void] = []
    var onChange: [() -> Void] = []
    var onFinish: [() -> Void] = []

    func dropped(_ reason: DropReason) { emit(.dropped(reason)) }
    func advertsCounted(sent: [String: Int64], received: [String: Int64]) { emit(.advertsCounted(sent: sent, received: received)) }
    func garpSent(vip: String, count: Int) { emit(.garpSent(vip: vip, count: count)) }
    func addressConflict(vip: String) { emit(.addressConflict(vip: vip)) }
    func transition(vip: String, to: String) { emit(.transition(vip: vip, to: to)) }
    func checkReported(_ report: CheckReport) { emit(.check(report)) }
    func gatewayStatus(_ status: GatewayStatus) { emit(.gateway(status)) }
    func gatewayWrite(success: Bool) { emit(.gatewayWrite(success: success)) }
    func hostProblems(_ problems: [HostProblemStatus]) { emit(.hostProblems(problems)) }
    func conflicts(_ counts: [String: Int]) { emit(.conflicts(counts)) }
    func evidenceSaved(group: String) { emit(.evidenceSaved(group: group)) }
    func reloaded(_ summary: ReloadSummary) { emit(.reloaded(summary)) }
    func changed() { onChange.forEach { $0() } }
    func finish() { onFinish.forEach { $0() } }

    private func emit(_ event: AgentEvent) { onEvent.forEach { $0(event) } }
}
