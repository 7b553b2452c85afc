import Foundation

/// Runs blocking `work` on a fresh thread and suspends until it returns, so blocking system calls
/// (waitpid, a raw-socket receive) never tie up a cooperative-pool thread. Callers bound the wait
/// with `withDeadline`; a thread that hangs anyway only costs itself.
func onDedicatedThread<T: Sendable>(_ name: String, _ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        let thread = Thread {
            Thread.current.name = name  // named from inside: Linux names the running thread
            continuation.resume(returning: work())
        }
        thread.start()
    }
}
