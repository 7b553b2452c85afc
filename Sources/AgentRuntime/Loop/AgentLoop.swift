import Dispatch
import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The agent's event loop: one thread asleep in `poll(2)` on its wake-up pipe and the
/// descriptors it watches (the election socket), woken by a datagram, by the earliest scheduled
/// task's deadline (the poll's timeout, rounded up to the millisecond: no timerfd to reprogram)
/// or by work handed over from
/// another thread. A NIO `EventLoop`, so futures, `NIOLoopBound` and `scheduleTask` work as on
/// NIO's own loops; it runs no channels. An idle node wakes only for the election: a datagram
/// costs one `recvfrom` and the core's work, not a channel pipeline, and the sender's address
/// is read as bytes (NIO's datagram channel formats it as text for every datagram).
final class AgentLoop: EventLoop, @unchecked Sendable {
    // @unchecked Sendable: `pending`, `timers`, `nextID`, `state`, `shutdownCallbacks`, `batch`
    // and `cancelledInBatch` are guarded by `lock` (the wake-up pipe is written and closed under
    // it too); `watchers` and `fds` are touched on the loop's thread only; `thread` is written
    // once, by the loop's thread, before `init` returns (the semaphore orders it).
    private let lock = NIOLock()
    private var pending: [@Sendable () -> Void] = []
    private var timers: [Timer] = []
    private var nextID: UInt64 = 0
    private var state = State.open
    private var shutdownCallbacks: [(DispatchQueue, @Sendable (Error?) -> Void)] = []
    /// The timers taken as due and not run yet, and those of them cancelled meanwhile (by an
    /// earlier timer of the batch, or by another thread): a cancelled task never runs.
    private var batch: Set<UInt64> = []
    private var cancelledInBatch: Set<UInt64> = []

    private var watchers: [() -> Void] = []
    private var fds: [pollfd]
    /// The wake-up pipe: written by another thread that hands work over, read by the loop.
    private let wakeDescriptor: CInt
    private let wakeWriter: CInt
    private var thread = pthread_t()

    private enum State { case open, closing, closed }
    private enum Next { case stop, again, sleep(until: NIODeadline?) }

    private struct Timer {
        let id: UInt64
        let deadline: NIODeadline
        /// The latest it may run: a task with leeway runs at the first wake-up from `deadline`
        /// on, and wakes the loop itself only at `latest`.
        let latest: NIODeadline
        let run: () -> Void
        let fail: (Error) -> Void
    }

    /// Starts the loop's thread; `name` shows in `/proc/PID/task/*/comm` (at most 15 bytes).
    init(name: String = "vip-agent-loop") throws {
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else { throw AgentLoopError(doing: "creating the loop's wake-up pipe", code: errno) }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        (wakeDescriptor, wakeWriter) = (ends[0], ends[1])
        fds = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        watchers = [{}]
        let started = DispatchSemaphore(value: 0)
        let box = Unmanaged.passRetained(Start(loop: self, name: name, started: started))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 1 << 20)
        defer { pthread_attr_destroy(&attributes) }
        var handle = pthread_t()
        let rc = pthread_create(&handle, &attributes, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            start.loop.thread = pthread_self()
            nameThisThread(start.name)
            start.started.signal()
            start.loop.run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            closeDescriptors([wakeDescriptor, wakeWriter])
            throw AgentLoopError(doing: "starting the loop's thread", code: rc)
        }
        started.wait()  // `thread` is set before any caller asks `inEventLoop`
        pthread_detach(handle)
    }

    private final class Start {
        let loop: AgentLoop
        let name: String
        let started: DispatchSemaphore
        init(loop: AgentLoop, name: String, started: DispatchSemaphore) {
            self.loop = loop
            self.name = name
            self.started = started
        }
    }

    // MARK: - EventLoop

    var inEventLoop: Bool { pthread_equal(pthread_self(), thread) != 0 }

    func execute(_ task: @escaping @Sendable () -> Void) {
        let accepted = lock.withLock { () -> Bool in
            guard state == .open else { return false }
            pending.append(task)
            return true
        }
        guard accepted else { return }  // as NIO's loops: work handed to a stopped loop is dropped
        if !inEventLoop { wake() }
    }

    func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: deadline, leeway: .zero, task)
    }

    /// `task` at `deadline` or up to `leeway` later: it runs when the loop wakes anyway for
    /// something else (a datagram, another timer) in that span, and costs a wake-up of its own
    /// only when nothing else came by `deadline + leeway`. For periodic work whose exact time
    /// does not matter (the address-conflict probes), never for the election's timers.
    func scheduleTask<T>(deadline: NIODeadline, leeway: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id: UInt64? = lock.withLock {
            guard state == .open else { return nil }
            nextID &+= 1
            timers.append(Timer(id: nextID, deadline: deadline, latest: deadline + max(leeway, .zero), run: {
                do { promise.assumeIsolated().succeed(try task()) } catch { promise.fail(error) }
            }, fail: promise.fail))
            return nextID
        }
        guard let id else {
            promise.fail(EventLoopError.shutdown)
            return Scheduled(promise: promise, cancellationTask: {})
        }
        if !inEventLoop { wake() }
        return Scheduled(promise: promise) { [self] in
            lock.withLock {  // `cancel()` fails the promise
                timers.removeAll { $0.id == id }
                if batch.contains(id) { cancelledInBatch.insert(id) }
            }
        }
    }

    func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    func preconditionInEventLoop(file: StaticString, line: UInt) {
        precondition(inEventLoop, "not on the agent's loop", file: file, line: line)
    }

    func preconditionNotInEventLoop(file: StaticString, line: UInt) {
        precondition(!inEventLoop, "on the agent's loop", file: file, line: line)
    }

    /// Runs what is handed over until now, fails the scheduled tasks (`EventLoopError.shutdown`),
    /// ends the thread, then calls `callback` on `queue`.
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        let already = lock.withLock { () -> Bool in
            if state == .closed { return true }
            shutdownCallbacks.append((queue, callback))
            state = state == .open ? .closing : state
            return false
        }
        if already { queue.async { callback(nil) } } else { wake() }
    }

    // MARK: - Descriptors (on the loop)

    /// `onReadable` runs on the loop whenever `fd` is readable (level-triggered: read until
    /// EAGAIN, or it runs again at once). One watcher per descriptor.
    func watch(_ fd: CInt, onReadable: @escaping () -> Void) {
        preconditionInEventLoop()
        unwatch(fd)
        fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        watchers.append(onReadable)
    }

    /// Stops watching `fd` (before it is closed).
    func unwatch(_ fd: CInt) {
        preconditionInEventLoop()
        guard let index = fds.indices.dropFirst().first(where: { fds[$0].fd == fd }) else { return }
        fds.remove(at: index)
        watchers.remove(at: index)
    }

    // MARK: - The thread

    private func wake() {
        lock.withLock {
            guard state != .closed else { return }  // the pipe is closed (and its numbers may be reused)
            var one: UInt8 = 1
            _ = write(wakeWriter, &one, 1)  // EAGAIN: the pipe is full, the loop has wake-ups pending
        }
    }

    private func run() {
        var tasks: [@Sendable () -> Void] = []
        var due: [Timer] = []
        var busy = 0  // rounds in a row with work at once: the descriptors get a look every 16
        while true {
            // Work handed over, then the timers that are due, earliest first.
            lock.withLock { swap(&tasks, &pending) }
            for task in tasks { task() }
            tasks.removeAll(keepingCapacity: true)
            let now = NIODeadline.now()
            let next = lock.withLock { () -> Next in
                if state != .open && pending.isEmpty { return .stop }  // the timers left are failed
                if timers.contains(where: { $0.deadline <= now }) {
                    due = timers.filter { $0.deadline <= now }
                    timers.removeAll { $0.deadline <= now }
                    batch = Set(due.map(\.id))
                }
                if !pending.isEmpty || !due.isEmpty { return .again }
                return .sleep(until: timers.lazy.map(\.latest).min())
            }
            switch next {
            case .stop:
                finish()
                return
            case .again:
                due.sort { $0.deadline < $1.deadline || ($0.deadline == $1.deadline && $0.id < $1.id) }
                for timer in due where !lock.withLock({ cancelledInBatch.remove(timer.id) != nil }) { timer.run() }
                due.removeAll(keepingCapacity: true)
                lock.withLock {
                    batch = []
                    cancelledInBatch = []
                }
                busy += 1
                if busy % 16 == 0 { sleep(until: .uptimeNanoseconds(0)) }  // a datagram is never starved
            case .sleep(let deadline):
                busy = 0
                sleep(until: deadline)
            }
        }
    }

    /// Sleeps until a watched descriptor is readable, work is handed over or `deadline`.
    private func sleep(until deadline: NIODeadline?) {
        var timeout: CInt = -1
        if let deadline {
            let now = NIODeadline.now().uptimeNanoseconds
            let wait = deadline.uptimeNanoseconds > now ? deadline.uptimeNanoseconds - now : 0
            timeout = CInt(min((wait + 999_999) / 1_000_000, UInt64(CInt.max)))  // never early
        }
        guard poll(&fds, nfds_t(fds.count), timeout) > 0 else { return }  // the deadline, or EINTR
        if fds[0].revents != 0 {
            var drained = [UInt8](repeating: 0, count: 64)
            while read(wakeDescriptor, &drained, drained.count) == drained.count {}
        }
        // A descriptor closed without `unwatch` (POLLNVAL) would make every poll return at once.
        for fd in fds.dropFirst().filter({ $0.revents & Int16(POLLNVAL) != 0 }).map(\.fd) { unwatch(fd) }
        // A watcher may watch or unwatch: walk a copy, and skip a descriptor unwatched meanwhile.
        let readable = fds.indices.dropFirst().filter { fds[$0].revents != 0 }.map { (fds[$0].fd, watchers[$0]) }
        for (fd, watcher) in readable where fds.contains(where: { $0.fd == fd }) { watcher() }
    }

    private func finish() {
        let (left, callbacks) = lock.withLock { () -> ([Timer], [(DispatchQueue, @Sendable (Error?) -> Void)]) in
            state = .closed
            closeDescriptors([wakeDescriptor, wakeWriter])  // under the lock: `wake` never writes to a reused number
            defer { timers = []; shutdownCallbacks = [] }
            return (timers, shutdownCallbacks)
        }
        for timer in left { timer.fail(EventLoopError.shutdown) }
        for (queue, callback) in callbacks { queue.async { callback(nil) } }
    }
}

struct AgentLoopError: Error, CustomStringConvertible {
    let doing: String
    let code: CInt
    var description: String { "\(doing): \(String(cString: strerror(code)))" }
}

private func closeDescriptors(_ fds: [CInt]) {
    for fd in fds { _ = close(fd) }
}

/// The calling thread's name in `/proc/PID/task/*/comm` (the kernel keeps 15 bytes).
private func nameThisThread(_ name: String) {
    let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    _ = close(fd)
}
