import Glibc

/// Writes a line to file descriptor 2 with one `write(2)` per line, so lines from different
/// threads do not interleave.
enum StderrWriter {
    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // stderr closed or full: nothing better to do with a log line
                }
            }
        }
    }
}
