import Foundation
import GatewayFailover
import Logging
import StatusProtocol

/// Carries the gateway election's results to the `GatewayReconciler` in order (one consumer
/// task, so updates never overtake each other) and keeps its latest status for `vipctl`.
final class GatewayLink: @unchecked Sendable {
    let reconciler: GatewayReconciler
    private let updates: AsyncStream<(Bool, [GatewayMember])>.Continuation
    private let stream: AsyncStream<(Bool, [GatewayMember])>
    private var consumer: Task<Void, Never>?
    private var poller: Task<Void, Never>?
    private let lock = NSLock()
    private var cached: GatewayStatus?

    init(settings: GatewaySettings, logger: Logger) {
        reconciler = GatewayReconciler(config: settings, logger: logger)
        (stream, updates) = AsyncStream<(Bool, [GatewayMember])>.makeStream()
    }

    /// Connects (in the background: an unreachable database is reported, never fatal).
    func start(onStatus: @escaping @Sendable (GatewayStatus) -> Void) {
        let reconciler = self.reconciler
        let stream = self.stream
        consumer = Task {
            await reconciler.start()
            for await (isMaster, ranking) in stream {
                await reconciler.update(isMaster: isMaster, ranking: ranking)
                self.store(await reconciler.status(), onStatus)
            }
        }
        poller = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                self.store(await reconciler.status(), onStatus)
            }
        }
    }

    func publish(isMaster: Bool, ranking: [GatewayMember]) {
        updates.yield((isMaster, ranking))
    }

    var status: GatewayStatus? {
        lock.lock(); defer { lock.unlock() }
        return cached
    }

    func stop() async {
        updates.finish()
        poller?.cancel()
        await consumer?.value
        await reconciler.stop()
    }

    private func store(_ status: GatewayStatus, _ onStatus: (GatewayStatus) -> Void) {
        lock.lock()
        let changed = cached != status
        cached = status
        lock.unlock()
        if changed { onStatus(status) }
    }
}
