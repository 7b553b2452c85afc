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
/// those mappings once the agent runs (`MADV_DONTNEED`) leaves the pages in the page cache; what
/// the agent uses next is mapped again at the next touch (a minor fault, no I/O while the page
/// cache holds it). scripts/build-release places the code the running agent uses side by side
/// (scripts/hot-code), so that it is mapped again in few blocks.
///
/// Released: the code and the read-only data of the executable and its libraries (the files
/// mapped with code), each only when the mapping is not writable and none of its pages was ever
/// copied (`smaps`: `Anonymous:` and `Swap:` both 0 kB; a copied page that was swapped out counts
/// under `Swap:`): nothing in it differs from the file, so nothing is lost. Relocated data made
/// read-only afterwards (RELRO) holds copied pages and is kept, as is every writable mapping; so
/// are files mapped without code (locale archives and other data files), which a library may
/// unmap while the release runs. (A uprobe or a debugger's breakpoint placed during start-up
/// copies its page: that mapping is kept.)
public enum StartupPages {
    /// Releases those mappings of the process. Returns how many bytes of mappings were advised
    /// (0 where `/proc` is not mounted).
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
        for mapping in scan.finish() {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, mapping.length, MADV_DONTNEED) == 0 { released += mapping.length }
        }
        return released
    }
}

/// The mappings of `/proc/PID/smaps` that can be released (see `StartupPages`). Fed line by
/// line; a mapping is decided at the next mapping's first line or at `finish()`, so that a
/// mapping whose `Anonymous:` or `Swap:` line is missing is never released.
struct SmapsScan {
    private var releasable: [ReadOnlyFileMapping] = []
    /// The files mapped with code (whatever their pages): their read-only data may go too.
    private var codeFiles: Set<String> = []
    private var pending: ReadOnlyFileMapping?
    private var anonymousKiB: Int?
    private var swapKiB: Int?

    mutating func feed(_ line: String) {
        if let kib = ReadOnlyFileMapping.kib(smapsLine: line, key: "Anonymous:") {
            anonymousKiB = kib
        } else if let kib = ReadOnlyFileMapping.kib(smapsLine: line, key: "Swap:") {
            swapKiB = kib
        } else if ReadOnlyFileMapping.isHeader(smapsLine: line) {
            decide()
            pending = ReadOnlyFileMapping(mapsLine: line)
            if let pending, pending.executable { codeFiles.insert(pending.path) }
        }
    }

    mutating func finish() -> [ReadOnlyFileMapping] {
        decide()
        return releasable.filter { $0.executable || codeFiles.contains($0.path) }
    }

    private mutating func decide() {
        if let mapping = pending, anonymousKiB == 0, swapKiB == 0 { releasable.append(mapping) }
        pending = nil
        anonymousKiB = nil
        swapKiB = nil
    }
}

/// One line of `/proc/PID/maps` (or a mapping's first line in `smaps`) that maps a file readable
/// and not writable: "start-end r-xp offset dev inode path" or "r--p".
struct ReadOnlyFileMapping: Equatable {
    let start: UInt
    let length: Int
    let executable: Bool
    let path: String

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
        self.executable = permissions[2] == UInt8(ascii: "x")
        self.path = Self.path(of: line)
    }

    /// Everything after the fifth field (a path may hold spaces), without the line's end.
    private static func path(of line: String) -> String {
        var rest = Substring(line)
        for _ in 0..<5 {
            rest = rest.drop { $0 == " " }
            rest = rest.drop { $0 != " " }
        }
        rest = rest.drop { $0 == " " }
        while let last = rest.last, last == "\n" { rest = rest.dropLast() }
        return String(rest)
    }

    /// A mapping's first line in `smaps` (an address range), not one of its "Key: value" lines.
    static func isHeader(smapsLine line: String) -> Bool {
        guard let first = line.split(separator: " ", maxSplits: 1).first else { return false }
        return first.contains("-") && !first.hasSuffix(":")
    }

    /// The KiB of a mapping's `KEY` line in `smaps` ("Anonymous:", "Swap:"), nil for any other line.
    static func kib(smapsLine line: String, key: String) -> Int? {
        guard line.hasPrefix(key) else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        return fields.count >= 2 && fields[0] == key ? Int(fields[1]) : nil
    }
}
