import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking unix-socket client for tests; every read gives up after `timeout` seconds.
/// `@unchecked Sendable`: a test drives it from one place at a time (its blocking reads are
/// handed to `offPool` and awaited before the next use), never from two threads at once.
final class TestClient: @unchecked Sendable {
    enum Failure: Error { case connect(Int32), timeout, io(Int32) }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String, timeout: Int = 5) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw Failure.connect(code)
        }
        var value = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Shrinks the kernel receive buffer so that a client that never reads fills up quickly.
    func shrinkReceiveBuffer() {
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    func send(_ text: String) throws {
        try send(Data(text.utf8))
    }

    func send(_ data: Data) throws {
        let bytes = [UInt8](data)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { throw Failure.io(errno) }
            offset += n
        }
    }

    /// The next line without its newline, or nil at end of stream.
    func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { throw Failure.timeout }
                if errno == ECONNRESET { return nil }
                throw Failure.io(errno)
            }
            if n == 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}

/// Runs blocking work off the Swift concurrency pool (which the server's tasks need).
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try work() })
        }
    }
}

/// A fresh directory under /tmp (short, so socket paths fit in sockaddr_un).
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/cst-XXXXXX".utf8CString)
    guard let result = mkdtemp(&template) else { throw TestClient.Failure.io(errno) }
    return String(cString: result)
}

/// Polls `condition` up to `seconds`; for conditions the test cannot await directly.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return condition()
}
