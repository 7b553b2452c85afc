import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away network namespace for tests: created with `ip netns add`, deleted by `destroy()`.
/// `enter` switches the *current thread* into it (setns) so that sockets created inside the
/// closure belong to it, and switches back afterwards.
final class NetworkNamespace {
    let name: String
    private var destroyed = false

    /// Skips the test when namespaces cannot be used (not root, no `ip`, `ip netns add` fails).
    init(file: StaticString = #filePath, line: UInt = #line) throws {
        guard getuid() == 0 else { throw XCTSkip("network namespaces unavailable: not root") }
        guard let ip = Shell.ipPath else { throw XCTSkip("network namespaces unavailable: no ip binary") }
        name = "vipt-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let result = Shell.run(ip, ["netns", "add", name])
        guard result.status == 0 else {
            throw XCTSkip("network namespaces unavailable: ip netns add failed: \(result.error)")
        }
        _ = Shell.run(ip, ["-n", name, "link", "set", "lo", "up"])
    }

    deinit { destroy() }

    func destroy() {
        guard !destroyed, let ip = Shell.ipPath else { return }
        destroyed = true
        _ = Shell.run(ip, ["netns", "del", name])
    }

    /// Runs `ip -n <name> args...`; fails the calling test on a non-zero exit.
    @discardableResult
    func ip(_ arguments: String..., file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = Shell.run(Shell.ipPath!, ["-n", name] + arguments)
        guard result.status == 0 else {
            XCTFail("ip -n \(name) \(arguments.joined(separator: " ")): \(result.error)", file: file, line: line)
            throw ShellError(message: result.error)
        }
        return result.output
    }

    /// A stand-alone interface named `name`, up with carrier: a dummy where the kernel has the
    /// dummy driver, else one end of a veth pair whose other end (`name` + "p") is up too.
    func addLink(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if Shell.run(Shell.ipPath!, ["-n", self.name, "link", "add", name, "type", "dummy"]).status != 0 {
            try ip("link", "add", name, "type", "veth", "peer", "name", name + "p", file: file, line: line)
            try ip("link", "set", name + "p", "up", file: file, line: line)
        }
        try ip("link", "set", name, "up", file: file, line: line)
    }

    /// Runs a command inside the namespace (`ip netns exec`).
    func exec(_ arguments: [String]) -> Shell.Result {
        Shell.run(Shell.ipPath!, ["netns", "exec", name] + arguments)
    }

    /// Runs `body` on this thread inside the namespace, then returns to the original one.
    func enter<T>(_ body: () throws -> T) throws -> T {
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw XCTSkip("network namespaces unavailable: cannot open /proc/thread-self/ns/net") }
        defer { close(original) }
        let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw XCTSkip("network namespaces unavailable: cannot open /run/netns/\(name)") }
        defer { close(target) }
        guard Self.setns(target, Self.cloneNewNet) == 0 else {
            throw XCTSkip("network namespaces unavailable: setns: \(String(cString: strerror(errno)))")
        }
        defer {
            if Self.setns(original, Self.cloneNewNet) != 0 {
                fatalError("cannot return to the original network namespace: \(String(cString: strerror(errno)))")
            }
        }
        return try body()
    }

    /// setns(2) is hidden behind _GNU_SOURCE in the Glibc module; look it up at run time.
    private static let cloneNewNet: Int32 = 0x4000_0000  // CLONE_NEWNET
    private static let setnsFunction: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    private static func setns(_ fd: Int32, _ type: Int32) -> Int32 {
        guard let function = setnsFunction else { errno = ENOSYS; return -1 }
        return function(fd, type)
    }

    /// Creates a veth pair with `local` in self and `remote` in `peer`, both up with fixed MACs.
    func connect(_ local: String, mac localMAC: String, to peer: NetworkNamespace, as remote: String,
                 mac remoteMAC: String) throws {
        try ip("link", "add", local, "address", localMAC, "type", "veth",
               "peer", "name", remote, "address", remoteMAC, "netns", peer.name)
        try ip("link", "set", local, "up")
        try peer.ip("link", "set", remote, "up")
    }
}

struct ShellError: Error { let message: String }

enum Shell {
    struct Result { var status: Int32; var output: String; var error: String }

    static let ipPath: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ executable: String, _ arguments: [String]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return Result(status: -1, output: "", error: "\(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      output: String(decoding: output, as: UTF8.self),
                      error: String(decoding: error, as: UTF8.self))
    }
}
