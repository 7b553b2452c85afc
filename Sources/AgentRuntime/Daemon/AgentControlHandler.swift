import ControlSocket
import StatusProtocol

/// Answers `vipctl` from the agent.
struct AgentControlHandler: ControlHandler {
    let agent: AgentHandle
    let broadcaster: StatusBroadcaster

    func status() async -> StatusDocument { await agent.status() }
    func history() async -> [HistoryEntry] { await agent.history() }
    func stepDown(vip: String?) async -> ControlResponse { await agent.stepDown(vip: vip) }
    func statusUpdates() -> AsyncStream<StatusDocument> { broadcaster.subscribe() }
}
