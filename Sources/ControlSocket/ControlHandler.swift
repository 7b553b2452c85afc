import StatusProtocol

/// What the control socket asks of the agent. The agent implements it; the server only moves lines.
public protocol ControlHandler: Sendable {
    /// The current status document.
    func status() async -> StatusDocument
    /// The recorded transitions, oldest first.
    func history() async -> [HistoryEntry]
    /// Hand over mastership of `vip` (or of every VIP this node masters when nil) now.
    /// Returns `.message` on success or when there is nothing to do, `.error` otherwise.
    func stepDown(vip: String?) async -> ControlResponse
    /// A fresh stream yielding the status document after every change. The server iterates it
    /// once per `watch` connection and stops (cancelling the iteration) when the client goes away,
    /// so the stream's `onTermination` is the place to forget the subscriber.
    func statusUpdates() -> AsyncStream<StatusDocument>
}
