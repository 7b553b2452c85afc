import NIOCore

/// One framed request from a client.
enum ControlInboundLine: Sendable {
    /// The bytes of one line, newline excluded.
    case line(ByteBuffer)
    /// The client sent more than the limit without a newline; the connection is to be closed.
    case oversized
}

/// Splits the inbound byte stream into newline-terminated lines of at most `limit` bytes.
/// Pure framing: what a line means is `ControlCodec`'s business.
struct ControlLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ControlInboundLine

    let limit: Int
    private var oversized = false

    init(limit: Int) {
        self.limit = limit
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !oversized else {
            buffer.moveReaderIndex(to: buffer.writerIndex)  // discard: the connection is being closed
            return .needMoreData
        }
        let view = buffer.readableBytesView
        // Search only as far as a legal line could reach (limit bytes plus "\n").
        let window = view.prefix(limit + 1)
        if let newline = window.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            let line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        if view.count > limit {
            oversized = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.oversized))
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                             seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without its newline still counts (e.g. `printf '{...}' | nc -U`).
        if !oversized, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.line(rest)))
        }
        return .needMoreData
    }
}
