#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system side of the control socket: its directory, a previous socket at its path, its mode
/// and owner. Plain POSIX, no NIO.
enum SocketFile {
    /// The longest path `sockaddr_un` can hold (NUL excluded).
    static var maxPathLength: Int {
        MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
    }

    /// What sits at a socket path before we bind.
    enum Existing: Equatable {
        case nothing
        /// A socket nobody answers on (left behind by a crashed agent).
        case staleSocket
        /// A socket a live process accepts connections on.
        case liveSocket
        case notASocket
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// `mkdir -p` of the directory holding `path`, new directories with mode 0755.
    static func createParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var prefix = ""
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty && !directory.hasPrefix("/") ? "" : "/") + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw ControlServerError.system(operation: "cannot create directory", path: prefix,
                                                reason: errorText(errno))
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw ControlServerError.system(operation: "cannot use directory", path: directory,
                                            reason: errorText(errno))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ControlServerError.system(operation: "cannot use directory", path: directory,
                                            reason: "it exists and is not a directory")
        }
    }

    /// Looks at `path` without changing it: nothing, a stale socket, a live one, or something else.
    static func inspect(_ path: String) throws -> Existing {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return .nothing }
            throw ControlServerError.system(operation: "cannot inspect", path: path, reason: errorText(errno))
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
        return try probe(path) ? .liveSocket : .staleSocket
    }

    /// Whether a process accepts connections on the unix socket at `path`. Never blocks.
    static func probe(_ path: String) throws -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                            | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw ControlServerError.system(operation: "cannot probe", path: path, reason: errorText(errno))
        }
        defer { close(fd) }
        var address = try unixAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return true }
        switch errno {
        case EAGAIN, EINPROGRESS:
            return true  // listening, backlog full: very much alive
        case ECONNREFUSED, ENOENT:
            return false
        default:
            throw ControlServerError.system(operation: "cannot probe", path: path, reason: errorText(errno))
        }
    }

    static func unixAddress(_ path: String) throws -> sockaddr_un {
        let bytes = Array(path.utf8)
        guard bytes.count <= maxPathLength else {
            throw ControlServerError.pathTooLong(path: path, limit: maxPathLength)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
            raw[bytes.count] = 0
        }
        return address
    }

    static func remove(_ path: String) throws {
        if unlink(path) != 0, errno != ENOENT {
            throw ControlServerError.system(operation: "cannot remove stale socket", path: path,
                                            reason: errorText(errno))
        }
    }

    /// The group id of `name` (a group name, or a numeric id). An empty name means "leave as is".
    static func groupID(_ name: String) throws -> gid_t? {
        guard !name.isEmpty else { return nil }
        if name.allSatisfy({ $0.isASCII && $0.isNumber }), let id = UInt32(name) { return gid_t(id) }
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let code = getgrnam_r(name, &group, &buffer, buffer.count, &result)
        guard code == 0 else {
            throw ControlServerError.system(operation: "cannot look up group", path: name, reason: errorText(code))
        }
        guard let found = result else { throw ControlServerError.unknownGroup(name) }
        return found.pointee.gr_gid
    }

    /// Mode 0660 and, when `gid` is given, group ownership.
    static func restrict(_ path: String, group gid: gid_t?) throws {
        if let gid, chown(path, uid_t.max, gid) != 0 {  // uid -1: owner unchanged
            throw ControlServerError.system(operation: "cannot give group \(gid) ownership of", path: path,
                                            reason: errorText(errno))
        }
        guard chmod(path, 0o660) == 0 else {
            throw ControlServerError.system(operation: "cannot set mode 0660 on", path: path,
                                            reason: errorText(errno))
        }
    }

    static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else {
            throw ControlServerError.system(operation: "cannot move the new socket into place at", path: to,
                                            reason: errorText(errno))
        }
    }
}
