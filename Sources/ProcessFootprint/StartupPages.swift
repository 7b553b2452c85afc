#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Gives back the code pages that only the start-up ran.
///
/// Starting touches much code that never runs again (argument and YAML parsing, bootstraps,
/// the checks before start), and Linux maps file pages in blocks (fault-around, large folios:
/// 64 KiB and more per fault), so after start 15 MiB of the binary's code are resident of which
/// the running agent uses a fraction. Dropping the executable mappings' page-table entries once
/// the agent runs (`MADV_DONTNEED`) leaves the pages in the page cache; what the agent runs next
/// is mapped again at the next touch (a minor fault, no I/O while the page cache holds it).
///
/// Only mappings that are executable and not writable are released: code is never written, so
/// nothing is lost. Data mappings (relocated, copy-on-write) are never touched. (A uprobe or a
/// debugger's breakpoint placed before the call, i.e. during start-up, is dropped with the page.)
public enum StartupPages {
    /// Releases the executable file mappings of the process. Returns how many bytes of mappings
    /// were advised (0 where `/proc` is not mounted).
    @discardableResult
    public static func release() -> Int {
        guard let maps = fopen("/proc/self/maps", "r") else { return 0 }
        defer { fclose(maps) }
        var released = 0
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, maps) > 0, let line {
            guard let mapping = CodeMapping(mapsLine: String(cString: line)),
                  let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, mapping.length, MADV_DONTNEED) == 0 { released += mapping.length }
        }
        return released
    }
}

/// One line of `/proc/PID/maps` that maps code from a file: "start-end r-xp offset dev inode path".
struct CodeMapping: Equatable {
    let start: UInt
    let length: Int

    init?(mapsLine line: String) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 6, fields[5].hasPrefix("/"), fields[4] != "0" else { return nil }
        let permissions = Array(fields[1].utf8)
        // r-x and private or shared, never writable: "r-xp" / "r-xs".
        guard permissions.count == 4, permissions[0] == UInt8(ascii: "r"), permissions[1] == UInt8(ascii: "-"),
              permissions[2] == UInt8(ascii: "x") else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
              end > start, start > 0 else { return nil }
        self.start = start
        self.length = Int(end - start)
    }
}
