import NIOCore

/// What `/healthz` asks: a future that completes once the watched event loop has run a task.
/// The runtime passes `{ agentLoop.submit {} }`; a loop that is stuck (or shut down) never
/// completes it (or fails it), and `/healthz` answers 503.
public typealias LivenessProbe = @Sendable () -> EventLoopFuture<Void>

/// The answer of `/healthz`, decided on the metrics connection's loop.
enum LivenessVerdict: Equatable, Sendable {
    case alive
    case timedOut(TimeAmount)
    case failed(String)

    var isAlive: Bool { self == .alive }

    var body: String {
        switch self {
        case .alive: return "ok\n"
        case .timedOut(let limit):
            return "the agent's event loop did not answer within \(limit.nanoseconds / 1_000_000)ms\n"
        case .failed(let reason): return "the agent's event loop is gone: \(reason)\n"
        }
    }

    /// Runs `probe` and completes with the first of: its answer, or `timeout` elapsed. Must be
    /// called on `loop`.
    static func check(_ probe: LivenessProbe, timeout: TimeAmount, on loop: EventLoop) -> EventLoopFuture<LivenessVerdict> {
        let promise = loop.makePromise(of: LivenessVerdict.self)
        let race = Race(promise)
        let timer = loop.assumeIsolated().scheduleTask(in: timeout) { race.finish(.timedOut(timeout)) }
        probe().hop(to: loop).assumeIsolated().whenComplete { result in
            timer.cancel()
            switch result {
            case .success: race.finish(.alive)
            case .failure(let error): race.finish(.failed("\(error)"))
            }
        }
        return promise.futureResult
    }

    /// Completes the promise once; later answers (a probe that returns after the timeout) are
    /// ignored. Used on one loop only (both callers are isolated to it).
    private final class Race {
        private var promise: EventLoopPromise<LivenessVerdict>?
        init(_ promise: EventLoopPromise<LivenessVerdict>) { self.promise = promise }
        func finish(_ verdict: LivenessVerdict) {
            promise?.succeed(verdict)
            promise = nil
        }
    }
}
