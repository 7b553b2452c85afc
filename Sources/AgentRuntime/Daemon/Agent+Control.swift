import NIOCore
import StatusProtocol

/// What `vipctl` can ask, from any thread: each question hops onto the agent's loop.
struct AgentHandle: Sendable {
    let loop: any EventLoop
    let agent: NIOLoopBound<Agent>
    let nodeName: String

    init(_ agent: Agent) {
        loop = agent.loop
        self.agent = agent.bound
        nodeName = agent.identity.name
    }

    func status() async -> StatusDocument {
        let agent = self.agent
        return (try? await loop.submit { agent.value.statusDocument() }.get()) ?? StatusDocument(node: nodeName, version: "")
    }

    func history() async -> [HistoryEntry] {
        let agent = self.agent
        return (try? await loop.submit { agent.value.history.entries }.get()) ?? []
    }

    /// `vipctl step-down [--vip NAME]`: hand over now. The answer names what happened per VIP.
    func stepDown(vip: String?) async -> ControlResponse {
        let agent = self.agent
        let result = try? await loop.submit { () -> ControlResponse in
            let replies = agent.value.feed(.stepDown(vip: vip))
            agent.value.observers.changed()
            if let refusal = replies.first(where: \.isError) { return .error(refusal.text) }
            return .message(replies.map(\.text).joined(separator: "\n"))
        }.get()
        return result ?? .error("the agent is shutting down")
    }
}

extension AgentHandle {
    /// Runs `body` with the agent on its loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (Agent) throws -> T) async throws -> T {
        let agent = self.agent
        return try await loop.submit { try body(agent.value) }.get()
    }

    /// Runs `body` with the agent on its loop and waits for the future it returns.
    func flatOnLoop<T: Sendable>(_ body: @escaping @Sendable (Agent) -> EventLoopFuture<T>) async throws -> T {
        let agent = self.agent
        return try await loop.flatSubmit { body(agent.value) }.get()
    }
}
