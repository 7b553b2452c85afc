import NIOCore
import NIOHTTP1

/// Answers `GET /metrics` (and `HEAD /metrics`) with the Prometheus text exposition and
/// `GET /healthz` with 200 while the liveness probe answers in time (503 otherwise); 404 for any
/// other path, 405 for other methods. One response per request; keep-alive is honoured (the
/// HTTP pipeline handler holds a second request until the first is answered).
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let render: @Sendable () -> String
    private let refresh: MetricsRefresh?
    private let liveness: LivenessProbe?
    private let livenessTimeout: TimeAmount
    private var request: HTTPRequestHead?

    /// Without `liveness`, `/healthz` answers 200 as long as this server runs.
    init(render: @escaping @Sendable () -> String, refresh: MetricsRefresh? = nil, liveness: LivenessProbe? = nil,
         livenessTimeout: TimeAmount = .seconds(1)) {
        self.render = render
        self.refresh = refresh
        self.liveness = liveness
        self.livenessTimeout = livenessTimeout
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
        let text = "text/plain; charset=utf-8"
        switch (head.method, path) {
        case (.GET, "/metrics"), (.HEAD, "/metrics"):
            guard let refresh else {
                send(head, .ok, Self.contentType, render(), context: context)
                return
            }
            // Rendered whether or not the refresh succeeded (a stopped agent still has metrics).
            refresh().hop(to: context.eventLoop).assumeIsolated().whenComplete { _ in
                self.send(head, .ok, Self.contentType, self.render(), context: context)
            }
        case (_, "/metrics"):
            send(head, .methodNotAllowed, text, "only GET /metrics\n", context: context)
        case (.GET, "/healthz"), (.HEAD, "/healthz"):
            guard let liveness else {
                send(head, .ok, text, LivenessVerdict.alive.body, context: context)
                return
            }
            LivenessVerdict.check(liveness, timeout: livenessTimeout, on: context.eventLoop)
                .assumeIsolated().whenSuccess { verdict in
                    self.send(head, verdict.isAlive ? .ok : .serviceUnavailable, text, verdict.body, context: context)
                }
        case (_, "/healthz"):
            send(head, .methodNotAllowed, text, "only GET /healthz\n", context: context)
        default:
            send(head, .notFound, text, "not found: metrics are at /metrics, liveness at /healthz\n", context: context)
        }
    }

    private func send(_ head: HTTPRequestHead, _ status: HTTPResponseStatus, _ contentType: String, _ body: String,
                      context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        if status == .serviceUnavailable { headers.add(name: "Cache-Control", value: "no-store") }
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
