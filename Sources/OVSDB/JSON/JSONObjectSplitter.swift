/// Cuts a byte stream of concatenated JSON objects into one object per message.
///
/// OVSDB (RFC 7047) sends JSON-RPC objects back to back, with or without whitespace between them and
/// no other delimiter. The splitter tracks brace depth, strings and escapes; it does not validate the
/// JSON inside an object (the parser does). Anything but whitespace between objects is an error, and
/// so is a pending object larger than `maxMessageSize`.
public struct JSONObjectSplitter: Sendable {
    public static let defaultMaxMessageSize = 64 * 1024 * 1024

    public let maxMessageSize: Int
    private var buffer: [UInt8] = []
    /// Index in `buffer` where the current (incomplete) object starts; nil between objects.
    private var objectStart: Int?
    /// Next byte of `buffer` to scan.
    private var scanIndex = 0
    /// Bytes before `head` were already returned; they are dropped lazily to keep `next()` linear.
    private var head = 0
    private var depth = 0
    private var inString = false
    private var escaped = false

    public init(maxMessageSize: Int = JSONObjectSplitter.defaultMaxMessageSize) {
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes received but not yet returned as a complete object.
    public var bufferedByteCount: Int { buffer.count - head }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Returns the next complete object, nil if more bytes are needed.
    public mutating func next() throws -> [UInt8]? {
        while scanIndex < buffer.count {
            let byte = buffer[scanIndex]
            scanIndex += 1
            guard let start = objectStart else {
                switch byte {
                case 0x20, 0x0A, 0x0D, 0x09:
                    continue
                case UInt8(ascii: "{"):
                    objectStart = scanIndex - 1
                    depth = 1
                    continue
                default:
                    throw OVSDBError.framing("unexpected byte 0x\(String(byte, radix: 16)) between JSON objects")
                }
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    let object = Array(buffer[start..<scanIndex])
                    consume(upTo: scanIndex)
                    return object
                }
            default:
                break
            }
        }
        try checkBound()
        compactIfIdle()
        return nil
    }

    private mutating func consume(upTo end: Int) {
        head = end
        objectStart = nil
        depth = 0
        if head >= buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count < 64 * 1024)
            scanIndex = 0
            head = 0
        } else if head > 64 * 1024 {
            buffer.removeSubrange(0..<head)
            scanIndex -= head
            head = 0
        }
    }

    private func checkBound() throws {
        if let start = objectStart, buffer.count - start > maxMessageSize {
            throw OVSDBError.framing("JSON message exceeds \(maxMessageSize) bytes")
        }
    }

    private mutating func compactIfIdle() {
        if objectStart == nil, scanIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count < 64 * 1024)
            scanIndex = 0
            head = 0
        }
    }
}
