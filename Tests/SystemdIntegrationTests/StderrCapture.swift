import Glibc

/// Runs `body` with file descriptor 2 redirected into a pipe and returns what was written.
func captureStderr(_ body: () -> Void) -> String {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return "<pipe failed>" }
    let saved = dup(2)
    dup2(ends[1], 2)
    body()
    dup2(saved, 2)
    close(saved)
    close(ends[1])
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        if count <= 0 { break }
        output += buffer[..<count]
    }
    close(ends[0])
    return String(decoding: output, as: UTF8.self)
}
