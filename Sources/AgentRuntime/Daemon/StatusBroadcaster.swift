import Foundation
import NIOConcurrencyHelpers
import NIOCore
import StatusProtocol

/// Hands every change of the status document to the `vipctl status --watch` streams, coalesced
/// over 10 ms so a burst of events makes one update.
final class StatusBroadcaster: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<StatusDocument>.Continuation] = [:]
        var scheduled = false
        var finished = false
    }
    private let state = NIOLockedValueBox(State())

    func subscribe() -> AsyncStream<StatusDocument> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StatusDocument>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        let finished = state.withLockedValue { s in
            if !s.finished { s.subscribers[id] = continuation }
            return s.finished
        }
        if finished { continuation.finish() }
        return stream
    }

    /// Called on the agent's loop after a change; `document` is built once, after the quiet time,
    /// on the same loop.
    func changed(on loop: any EventLoop, document: @escaping @Sendable () -> StatusDocument) {
        let start = state.withLockedValue { s in
            let idle = s.subscribers.isEmpty || s.scheduled
            if !idle { s.scheduled = true }
            return !idle
        }
        guard start else { return }
        loop.scheduleTask(in: .milliseconds(10)) { [self] in
            let doc = document()
            let targets = state.withLockedValue { s in
                s.scheduled = false
                return Array(s.subscribers.values)
            }
            targets.forEach { $0.yield(doc) }
        }
    }

    func finish() {
        let targets = state.withLockedValue { s in
            s.finished = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        targets.forEach { $0.finish() }
    }

    private func remove(_ id: UUID) {
        state.withLockedValue { $0.subscribers[id] = nil }
    }
}
