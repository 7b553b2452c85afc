#if canImport(Glibc)
import Glibc
#endif

/// Writes straight to stdout/stderr (no buffering: watch output must appear at once).
enum Output {
    /// Cursor home + clear screen.
    static let clearScreen = "\u{1B}[H\u{1B}[2J"

    static func write(_ text: String) {
        if !writeAll(STDOUT_FILENO, text) {
            // The reader went away (`vipctl status --watch | head`): nothing left to do.
            exit(errno == EPIPE ? 0 : 1)
        }
    }

    static func error(_ text: String) {
        _ = writeAll(STDERR_FILENO, text.hasSuffix("\n") ? text : text + "\n")
    }

    private static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(written)
        }
        return true
    }
}
