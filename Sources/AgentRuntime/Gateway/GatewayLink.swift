import GatewayFailover
import Logging
import NIOConcurrencyHelpers
import StatusProtocol

/// Carries the gateway election's results to the `GatewayReconciler` in order (one consumer
/// task, so updates never overtake each other) and keeps its latest status for `vipctl`, which
/// the reconciler pushes on every change.
final class GatewayLink: Sendable {
    let reconciler: GatewayReconciler
    private let updates: AsyncStream<(Bool, [GatewayMember])>.Continuation
    private let stream: AsyncStream<(Bool, [GatewayMember])>
    private let consumer = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let cached = NIOLockedValueBox<GatewayStatus?>(nil)

    init(settings: GatewaySettings, logger: Logger) {
        reconciler = GatewayReconciler(config: settings, logger: logger)
        (stream, updates) = AsyncStream<(Bool, [GatewayMember])>.makeStream()
    }

    /// Connects (in the background: an unreachable database is reported, never fatal).
    func start(onWrite: @escaping @Sendable (GatewayWriteOutcome) -> Void,
               onStatus: @escaping @Sendable (GatewayStatus) -> Void) {
        let reconciler = self.reconciler
        let stream = self.stream
        let cached = self.cached
        let task = Task {
            await reconciler.onWrite(onWrite)
            await reconciler.onStatus { status in
                let changed = cached.withLockedValue { old in
                    defer { old = status }
                    return old != status
                }
                if changed { onStatus(status) }
            }
            await reconciler.start()
            for await (isMaster, ranking) in stream {
                await reconciler.update(isMaster: isMaster, ranking: ranking)
            }
        }
        consumer.withLockedValue { $0 = task }
    }

    func publish(isMaster: Bool, ranking: [GatewayMember]) {
        updates.yield((isMaster, ranking))
    }

    var status: GatewayStatus? { cached.withLockedValue { $0 } }

    func stop() async {
        updates.finish()
        await consumer.withLockedValue { $0 }?.value
        await reconciler.stop()
    }
}
