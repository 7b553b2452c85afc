#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Gives back the pages of code and read-only data that only the start-up used.
///
/// Starting touches much code that never runs again (argument and YAML parsing, bootstraps,
/// the checks before start) and read-only data it never reads again (relocation tables, Swift's
/// metadata sections scanned once, unwind tables), and Linux maps file pages in blocks
/// (fault-around, large folios: 64 KiB and more per fault), so after start 15 MiB of the binary
/// are resident of which the running agent uses a fraction. Dropping the page-table entries of
/// the read-only file mappings once the agent runs (`MADV_DONTNEED`) leaves the pages in the page
/// cache; what the agent uses next is mapped again at the next touch (a minor fault, no I/O while
/// the page cache holds it). scripts/build-release places the code the running agent uses side
/// by side (scripts/hot-code), so that it is mapped again in few blocks.
///
/// Only mappings that are not writable and hold no anonymous page are released: nothing in them
/// differs from the file, so nothing is lost. Relocated data made read-only afterwards (RELRO)
/// holds copied pages and is never touched, nor is any writable mapping. (A uprobe or a
/// debugger's breakpoint placed during start-up makes its page anonymous: that mapping is kept.)
public enum StartupPages {
    /// Releases the read-only file mappings of the process. Returns how many bytes of mappings
    /// were advised (0 where `/proc` is not mounted).
    @discardableResult
    public static func release() -> Int {
        guard let smaps = fopen("/proc/self/smaps", "r") else { return 0 }
        // Read first, advise after: the reading runs code that the advice would drop.
        var scan = SmapsScan()
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, smaps) > 0, let line { scan.feed(String(cString: line)) }
        free(line)
        fclose(smaps)
        var released = 0
        for mapping in scan.releasable {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, mapping.length, MADV_DONTNEED) == 0 { released += mapping.length }
        }
        return released
    }
}

/// The mappings of `/proc/PID/smaps` that can be released: read-only file mappings whose
/// `Anonymous:` line says 0 kB. Fed line by line.
struct SmapsScan {
    private(set) var releasable: [ReadOnlyFileMapping] = []
    private var pending: ReadOnlyFileMapping?

    mutating func feed(_ line: String) {
        if let anonymous = ReadOnlyFileMapping.anonymousKiB(smapsLine: line) {
            if let mapping = pending.take(), anonymous == 0 { releasable.append(mapping) }
        } else if ReadOnlyFileMapping.isHeader(smapsLine: line) {
            pending = ReadOnlyFileMapping(mapsLine: line)
        }
    }
}

/// One line of `/proc/PID/maps` (or a mapping's first line in `smaps`) that maps a file readable
/// and not writable: "start-end r-xp offset dev inode path" or "r--p".
struct ReadOnlyFileMapping: Equatable {
    let start: UInt
    let length: Int

    init?(mapsLine line: String) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 6, fields[5].hasPrefix("/"), fields[4] != "0" else { return nil }
        let permissions = Array(fields[1].utf8)
        // Readable and never writable, private or shared: "r-xp", "r--p", "r-xs", "r--s".
        guard permissions.count == 4, permissions[0] == UInt8(ascii: "r"), permissions[1] == UInt8(ascii: "-")
        else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
              end > start, start > 0 else { return nil }
        self.start = start
        self.length = Int(end - start)
    }

    /// A mapping's first line in `smaps` (an address range), not one of its "Key: value" lines.
    static func isHeader(smapsLine line: String) -> Bool {
        guard let first = line.split(separator: " ", maxSplits: 1).first else { return false }
        return first.contains("-") && !first.hasSuffix(":")
    }

    /// The KiB of a mapping's `Anonymous:` line in `smaps` (pages copied on write), nil for
    /// any other line.
    static func anonymousKiB(smapsLine line: String) -> Int? {
        guard line.hasPrefix("Anonymous:") else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        return fields.count >= 2 ? Int(fields[1]) : nil
    }
}
