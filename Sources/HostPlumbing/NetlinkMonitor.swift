import CNetlink
import Foundation

/// A subscription to link and address events (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
/// RTNLGRP_IPV6_IFADDR). A thread of its own waits on the socket and calls `onChange` once per
/// burst of events (coalesced), and also after a receive-buffer overrun (events were lost).
///
/// The socket belongs to the network namespace of the thread that creates the monitor.
// @unchecked Sendable: it only holds the immutable `MonitorLoop` reference.
public final class NetlinkMonitor: @unchecked Sendable {
    private let loop: MonitorLoop
    private let thread: Thread

    public init(onChange: @escaping @Sendable () -> Void) throws {
        loop = try MonitorLoop(onChange: onChange)
        let loop = self.loop
        thread = Thread { loop.run() }
        thread.name = "vip-netlink-monitor"
        thread.start()
    }

    deinit {
        loop.requestStop(wait: false)
    }

    /// Stops the thread and closes the socket. Idempotent. When called from inside `onChange`
    /// it does not wait for the thread (which exits as soon as the callback returns).
    public func stop() {
        loop.requestStop(wait: !loop.isLoopThread)
    }
}

/// The socket, the wake-up pipe and the receive loop.
// @unchecked Sendable: `stopRequested` and `loopThread` change only under `lock`; the socket
// and the pipe are read by the loop thread alone and closed after it has been joined.
final class MonitorLoop: @unchecked Sendable {
    private let socket: OpaquePointer
    private let fd: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let onChange: @Sendable () -> Void
    private let lock = NSLock()
    private var stopRequested = false
    private let exited = DispatchSemaphore(value: 0)
    private var loopThread: pthread_t?

    init(onChange: @escaping @Sendable () -> Void) throws {
        self.onChange = onChange
        guard let socket = nl_socket_alloc() else {
            throw HostError(operation: "subscribing to link and address events", libraryError: "nl_socket_alloc failed")
        }
        nl_socket_disable_seq_check(socket)
        var rc = nl_connect(socket, NETLINK_ROUTE)
        let groups = [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR]
        for group in groups where rc >= 0 {
            rc = nl_socket_add_membership(socket, Int32(group.rawValue))
        }
        if rc >= 0 { rc = nl_socket_set_nonblocking(socket) }
        if rc >= 0 { _ = nl_socket_set_buffer_size(socket, 1 << 20, 0) }
        guard rc >= 0 else {
            nl_socket_free(socket)
            throw HostError(operation: "subscribing to link and address events", libraryError: libnlText(rc), code: rc)
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            let text = String(cString: strerror(errno))
            nl_socket_free(socket)
            throw HostError(operation: "creating the monitor wake-up pipe", libraryError: text, code: errno)
        }
        self.socket = socket
        self.fd = nl_socket_get_fd(socket)
        self.wakeRead = fds[0]
        self.wakeWrite = fds[1]
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
        nl_socket_free(socket)
    }

    var isLoopThread: Bool {
        lock.lock(); defer { lock.unlock() }
        guard let loopThread else { return false }
        return pthread_equal(loopThread, pthread_self()) != 0
    }

    func requestStop(wait: Bool) {
        lock.lock()
        let first = !stopRequested
        stopRequested = true
        let started = loopThread != nil
        lock.unlock()
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        if wait && started { exited.wait() }
    }

    func run() {
        lock.lock()
        loopThread = pthread_self()
        let alreadyStopped = stopRequested
        lock.unlock()
        defer { exited.signal() }
        if alreadyStopped { return }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var polls = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                     pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            polls[0].revents = 0
            polls[1].revents = 0
            let ready = poll(&polls, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if polls[1].revents != 0 { return }
            // Errors such as ENOBUFS (POLLERR) surface through recv in drain().
            if drain(&buffer) { onChange() }
            lock.lock(); let stop = stopRequested; lock.unlock()
            if stop { return }
        }
    }

    /// Reads every pending message. True when a link/address event arrived or events were lost.
    private func drain(_ buffer: inout [UInt8]) -> Bool {
        var changed = false
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                if !changed {
                    changed = buffer.withUnsafeBytes {
                        NetlinkMessages.containsLinkOrAddressEvent(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
                    }
                }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == ENOBUFS { changed = true; continue }  // overrun: state unknown
            return changed
        }
    }
}
