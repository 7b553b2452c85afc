import NIOCore

/// Turns the inbound byte stream into JSON-RPC messages, one per complete JSON object, and hands them
/// to the client through an `AsyncStream` so that they are processed in arrival order.
/// Anything that is not a stream of well-formed JSON-RPC objects closes the connection.
final class JSONRPCFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var splitter: JSONObjectSplitter
    private let sink: AsyncStream<ConnectionEvent>.Continuation
    private let remote: String

    init(remote: String, sink: AsyncStream<ConnectionEvent>.Continuation,
         maxMessageSize: Int = JSONObjectSplitter.defaultMaxMessageSize) {
        self.remote = remote
        self.sink = sink
        self.splitter = JSONObjectSplitter(maxMessageSize: maxMessageSize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        splitter.append(buffer.readableBytesView)
        do {
            while let object = try splitter.next() {
                let message = try JSONRPCMessage(JSONParser.parse(object))
                sink.yield(.message(message))
            }
        } catch {
            sink.yield(.failed("\(remote): \(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        sink.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        sink.yield(.failed("\(remote): \(error)"))
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        sink.finish()
    }
}
