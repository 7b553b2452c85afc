import Foundation
import Glibc

/// A unix datagram socket the test owns, standing in for systemd's notify socket or the
/// journal's native socket.
final class DatagramListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw ListenerError("socket(AF_UNIX, SOCK_DGRAM): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ListenerError("socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ListenerError("bind \(path): \(reason)")
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram, or `nil` after two seconds without one.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return Array(buffer[..<count])
    }

    func receiveText() -> String? {
        receive().map { String(decoding: $0, as: UTF8.self) }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

struct ListenerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under /tmp, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/vip-systemd-test.XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else {
        throw ListenerError("mkdtemp: \(String(cString: strerror(errno)))")
    }
    return String(cString: made)
}
