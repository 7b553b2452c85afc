import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A tiny HTTPS server on 127.0.0.1 for probe tests: answers every request with a canned response,
/// or accepts the request and never answers (`.hang`). Optionally requires a client certificate.
final class TestHTTPSServer {
    enum Behaviour: Sendable {
        case respond(status: Int, reason: String, body: String)
        case hang
    }

    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    init(pki: TestPKI, behaviour: Behaviour, requireClientCertificate: Bool = false) throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.serverCert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.serverKey, format: .pem)))
        if requireClientCertificate {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCert))
        }
        let context = try NIOSSLContext(configuration: tls)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(CannedHTTPHandler(behaviour: behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .wait()
    }

    var url: String { "https://127.0.0.1:\(port)/readyz" }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Reads one request head, then answers per the behaviour and closes.
private final class CannedHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: TestHTTPSServer.Behaviour
    private var received = ""
    private var answered = false

    init(behaviour: TestHTTPSServer.Behaviour) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        guard !answered, received.contains("\r\n\r\n") else { return }
        answered = true
        guard case let .respond(status, reason, body) = behaviour else { return }
        let response = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)))
            .whenComplete { _ in context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
