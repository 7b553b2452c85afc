import NIOCore
import NIOHTTP1

/// Answers `GET /metrics` (and `HEAD /metrics`) with the Prometheus text exposition; 404 for any
/// other path, 405 for other methods. One response per request; keep-alive is honoured.
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let render: @Sendable () -> String
    private var request: HTTPRequestHead?

    init(render: @escaping @Sendable () -> String) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A malformed request or a reset connection: nothing to answer, just drop the connection.
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let (status, contentType, body): (HTTPResponseStatus, String, String)
        switch (head.method, path) {
        case (.GET, "/metrics"), (.HEAD, "/metrics"):
            (status, contentType, body) = (.ok, Self.contentType, render())
        case (_, "/metrics"):
            (status, contentType, body) = (.methodNotAllowed, "text/plain; charset=utf-8", "only GET /metrics\n")
        default:
            (status, contentType, body) = (.notFound, "text/plain; charset=utf-8",
                                           "not found: metrics are at /metrics\n")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                          promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.whenComplete { _ in context.close(promise: nil) }
        }
    }
}
