import CSystemd
import Glibc

/// Sends one entry to the journal with `sd_journal_sendv` (the variadic `sd_journal_send`
/// cannot be called from Swift). Each field is one iovec holding `NAME=value`.
public enum JournalWriter {
    /// Returns 0 on success or a negative errno, as `sd_journal_sendv` does.
    @discardableResult
    public static func send(_ fields: [JournalField]) -> Int32 {
        let buffers = fields.map { Array("\($0.name)=\($0.value)".utf8) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, buffers.reduce(0) { $0 + $1.count }),
                                                             alignment: 1)
        defer { storage.deallocate() }
        var vectors: [iovec] = []
        vectors.reserveCapacity(buffers.count)
        var offset = 0
        for bytes in buffers {
            let start = storage.baseAddress! + offset
            bytes.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            vectors.append(iovec(iov_base: start, iov_len: bytes.count))
            offset += bytes.count
        }
        return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }
}
