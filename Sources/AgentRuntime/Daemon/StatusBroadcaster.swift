import Foundation
import NIOCore
import StatusProtocol

/// Hands every change of the status document to the `vipctl status --watch` streams, coalesced
/// over 10 ms so a burst of events makes one update.
final class StatusBroadcaster: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UUID: AsyncStream<StatusDocument>.Continuation] = [:]
    private var scheduled = false
    private var finished = false

    func subscribe() -> AsyncStream<StatusDocument> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StatusDocument>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        lock.lock()
        if finished { continuation.finish() } else { subscribers[id] = continuation }
        lock.unlock()
        return stream
    }

    /// Called on the agent's loop after a change; `document` is built once, after the quiet time.
    func changed(on loop: EventLoop, document: @escaping () -> StatusDocument) {
        lock.lock()
        let idle = subscribers.isEmpty || scheduled
        if !idle { scheduled = true }
        lock.unlock()
        guard !idle else { return }
        loop.scheduleTask(in: .milliseconds(10)) { [self] in
            let doc = document()
            lock.lock()
            scheduled = false
            let targets = Array(subscribers.values)
            lock.unlock()
            targets.forEach { $0.yield(doc) }
        }
    }

    func finish() {
        lock.lock()
        finished = true
        let targets = Array(subscribers.values)
        subscribers = [:]
        lock.unlock()
        targets.forEach { $0.finish() }
    }

    private func remove(_ id: UUID) {
        lock.lock()
        subscribers[id] = nil
        lock.unlock()
    }
}
