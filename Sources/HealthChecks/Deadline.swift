/// Races `operation` against a sleep of `timeout`. Returns the operation's result, or nil when the
/// timeout fired first (or the caller was cancelled). Returns promptly even if the operation ignores
/// cancellation: the operation is cancelled and left to finish on its own, never awaited past the deadline.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    operation: @escaping @Sendable () async -> T
) async -> T? {
    let gate = LockedBox<OnceGate<T?>?>(nil)
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let once = OnceGate<T?>(continuation)
            gate.withLock { $0 = once }
            let work = Task {
                let result = await operation()
                once.resume(result)
            }
            Task {
                try? await Task.sleep(for: timeout)
                if once.resume(nil) { work.cancel() }
            }
        }
    } onCancel: {
        gate.withLock { $0 }?.resume(nil)
    }
}

/// Resumes a continuation exactly once, whoever comes first.
private final class OnceGate<T: Sendable>: @unchecked Sendable {
    private let continuation: LockedBox<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation = LockedBox(continuation)
    }

    /// Returns true if this call won the race.
    @discardableResult
    func resume(_ value: T) -> Bool {
        let winner = continuation.withLock { slot -> CheckedContinuation<T, Never>? in
            defer { slot = nil }
            return slot
        }
        guard let winner else { return false }
        winner.resume(returning: value)
        return true
    }
}
