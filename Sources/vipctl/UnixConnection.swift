#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// A blocking client connection to a unix stream socket, read line by line.
final class UnixConnection {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `path`; errors say whether the socket is missing, refused or forbidden.
    init(path: String) throws {
        self.path = path
        let bytes = Array(path.utf8)
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw ClientError.pathTooLong(path: path, limit: capacity - 1) }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError.io(operation: "create a socket for", path: path, reason: Self.text(errno)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let code = errno
            close(fd)
            switch code {
            case ENOENT, ENOTDIR: throw ClientError.noSocket(path: path)
            case ECONNREFUSED:
                var info = stat()
                if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFSOCK {
                    throw ClientError.notASocket(path: path)
                }
                throw ClientError.refused(path: path)
            case EACCES, EPERM: throw ClientError.permissionDenied(path: path)
            default: throw ClientError.io(operation: "connect to", path: path, reason: Self.text(code))
            }
        }
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Limits how long `readLine` waits for data; nil waits forever.
    func setReadTimeout(seconds: Int?) {
        var value = timeval(tv_sec: seconds ?? 0, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    func write(_ data: Data) throws {
        var remaining = [UInt8](data)[...]
        while !remaining.isEmpty {
            let sent = remaining.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE || errno == ECONNRESET
                    ? ClientError.closed(path: path)
                    : ClientError.io(operation: "write to", path: path, reason: Self.text(errno))
            }
            remaining = remaining.dropFirst(sent)
        }
    }

    /// The next line (newline excluded), or nil when the agent closed the connection between lines.
    func readLine(limit: Int, timeoutSeconds: Int?) throws -> Data? {
        var searched = 0
        while true {
            if let newline = buffer[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            searched = buffer.count
            guard buffer.count <= limit else {
                throw ClientError.badResponse(path: path, detail: "response longer than \(limit) bytes")
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    throw ClientError.timedOut(path: path, seconds: timeoutSeconds ?? 0)
                }
                if errno == ECONNRESET { throw ClientError.closed(path: path) }
                throw ClientError.io(operation: "read from", path: path, reason: Self.text(errno))
            }
            if count == 0 {
                guard buffer.isEmpty else { throw ClientError.closed(path: path) }
                return nil
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
