/// Races `operation` against a sleep of `timeout`. Returns the operation's result, or nil when the
/// timeout fired first or the caller was cancelled. Returns promptly even if the operation ignores
/// cancellation: the operation is cancelled and left to finish on its own, never awaited past the
/// deadline. Whichever side loses is cancelled, so no sleeping timer outlives a quick operation.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    operation: @escaping @Sendable () async -> T
) async -> T? {
    let race = LockedBox<DeadlineRace<T>?>(nil)
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let once = DeadlineRace<T>(continuation)
            race.withLockedValue { $0 = once }
            once.work = Task {
                let result = await operation()
                once.finish(result)
            }
            once.timer = Task {
                try? await Task.sleep(for: timeout)
                once.finish(nil)
            }
            // Cancelled before the race was set up: onCancel found no race to stop.
            if Task.isCancelled { once.finish(nil) }
        }
    } onCancel: {
        race.withLockedValue { $0 }?.finish(nil)
    }
}

/// Resumes a continuation exactly once, whoever comes first, then cancels both contestants.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let continuation: LockedBox<CheckedContinuation<T?, Never>?>
    private let tasks = LockedBox<(work: Task<Void, Never>?, timer: Task<Void, Never>?, done: Bool)>((nil, nil, false))

    init(_ continuation: CheckedContinuation<T?, Never>) {
        self.continuation = LockedBox(continuation)
    }

    var work: Task<Void, Never>? {
        get { tasks.withLockedValue { $0.work } }
        set { adopt(newValue) { $0.work = newValue } }
    }

    var timer: Task<Void, Never>? {
        get { tasks.withLockedValue { $0.timer } }
        set { adopt(newValue) { $0.timer = newValue } }
    }

    /// Keeps the task, or cancels it at once when the race is already over.
    private func adopt(_ task: Task<Void, Never>?, _ store: (inout (work: Task<Void, Never>?, timer: Task<Void, Never>?, done: Bool)) -> Void) {
        let over = tasks.withLockedValue { slot -> Bool in
            store(&slot)
            return slot.done
        }
        if over { task?.cancel() }
    }

    func finish(_ value: T?) {
        let winner = continuation.withLockedValue { slot -> CheckedContinuation<T?, Never>? in
            defer { slot = nil }
            return slot
        }
        guard let winner else { return }
        let (work, timer) = tasks.withLockedValue { slot -> (Task<Void, Never>?, Task<Void, Never>?) in
            slot.done = true
            return (slot.work, slot.timer)
        }
        work?.cancel()
        timer?.cancel()
        winner.resume(returning: value)
    }
}
