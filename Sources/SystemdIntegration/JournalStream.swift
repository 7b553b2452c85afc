import Glibc

/// Whether stderr is connected to the journal. systemd sets `JOURNAL_STREAM=<device>:<inode>`
/// for services whose output goes to the journal; a process compares it with `fstat(2)` of
/// its stderr, because a child whose stderr was redirected inherits the variable too.
public enum JournalStream {
    /// `"<device>:<inode>"` in decimal, as systemd writes it.
    public static func parse(_ value: String) -> (device: UInt64, inode: UInt64)? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return nil
        }
        return (device, inode)
    }

    /// Whether `JOURNAL_STREAM` (its value, or `nil` when unset) names the given file.
    public static func matches(_ value: String?, device: UInt64, inode: UInt64) -> Bool {
        guard let value, let stream = parse(value) else { return false }
        return stream.device == device && stream.inode == inode
    }

    /// Whether this process's stderr is the journal stream systemd set up.
    public static func stderrIsJournal() -> Bool {
        let value = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        guard value != nil else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return matches(value, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
