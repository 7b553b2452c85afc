#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Linux capabilities the agent needs, read from `/proc/self/status` (CapEff).
public struct Capabilities: Equatable, Sendable {
    /// CAP_NET_ADMIN adds and removes the VIP; CAP_NET_RAW sends gratuitous ARP and neighbour
    /// advertisements and runs the arp check.
    public static let required: [(name: String, bit: Int)] = [("CAP_NET_ADMIN", 12), ("CAP_NET_RAW", 13)]

    public var effective: UInt64

    public init(effective: UInt64) { self.effective = effective }

    /// The CapEff line of a `/proc/<pid>/status` text; nil when absent or not hexadecimal.
    public static func parse(status: String) -> Capabilities? {
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = line.dropFirst("CapEff:".count).trimmingCharacters(in: " \t")
            return UInt64(hex, radix: 16).map(Capabilities.init(effective:))
        }
        return nil
    }

    /// This process's effective capabilities; nil when /proc cannot be read.
    public static func current() -> Capabilities? {
        guard let bytes = try? readSmallFile("/proc/self/status") else { return nil }
        return parse(status: String(decoding: bytes, as: UTF8.self))
    }

    /// The required capabilities that are not effective, by name.
    public var missing: [String] {
        Self.required.filter { effective & (1 << UInt64($0.bit)) == 0 }.map(\.name)
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return s
    }
}

/// Reads a small file (procfs reports size 0, so read until EOF).
func readSmallFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw PreflightIOError(path: path, code: errno) }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while out.count < 1 << 20 {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw PreflightIOError(path: path, code: errno)
        }
        if n == 0 { break }
        out += chunk[0..<n]
    }
    return out
}

struct PreflightIOError: Error, CustomStringConvertible {
    let path: String
    let code: Int32
    var description: String { "\(path): \(String(cString: strerror(code)))" }
}

/// The effective user id of this process.
func currentUserId() -> UInt32 { geteuid() }
