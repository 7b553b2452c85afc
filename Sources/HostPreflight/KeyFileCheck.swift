#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owner and mode of the cluster's shared secret. Pure judgement over `stat` results.
public enum KeyFileCheck {
    public struct Info: Equatable, Sendable {
        public var owner: UInt32
        public var mode: UInt32
        public init(owner: UInt32, mode: UInt32) {
            self.owner = owner
            self.mode = mode
        }
    }

    /// `stat` of `path`; nil with the reason when it cannot be read.
    public static func inspect(_ path: String) -> Result<Info, PreflightFinding.Text> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(.init("\(path): \(String(cString: strerror(errno)))"))
        }
        return .success(Info(owner: info.st_uid, mode: info.st_mode & 0o7777))
    }

    /// Findings for a key file owned by `info.owner` with `info.mode`, checked by user `runningAs`.
    public static func judge(_ info: Info, path: String, runningAs: UInt32) -> [PreflightFinding] {
        var findings: [PreflightFinding] = []
        let key = "cluster.authKeyFile"
        if info.owner != 0 && info.owner != runningAs {
            findings.append(.warning(key, "\(path) is owned by uid \(info.owner), neither root nor the agent's user (uid \(runningAs)); chown root \(path)"))
        }
        if info.mode & 0o044 != 0 {
            let who = [info.mode & 0o040 != 0 ? "its group" : nil, info.mode & 0o004 != 0 ? "every user" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            findings.append(.warning(key, "\(path) is readable by \(who) (mode \(octal(info.mode))): anyone who reads it can forge adverts; chmod 0600 \(path)"))
        }
        if info.mode & 0o022 != 0 {
            findings.append(.warning(key, "\(path) is writable by others than its owner (mode \(octal(info.mode))); chmod 0600 \(path)"))
        }
        return findings
    }

    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
