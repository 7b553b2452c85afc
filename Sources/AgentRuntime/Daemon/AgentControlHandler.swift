import ControlSocket
import StatusProtocol

/// Answers `vipctl` from the agent.
struct AgentControlHandler: ControlHandler {
    let agent: Agent
    let broadcaster: StatusBroadcaster

    func status() async -> StatusDocument { await agent.currentStatus() }
    func history() async -> [HistoryEntry] { await agent.currentHistory() }
    func stepDown(vip: String?) async -> ControlResponse { await agent.stepDown(vip: vip) }
    func statusUpdates() -> AsyncStream<StatusDocument> { broadcaster.subscribe() }
}
