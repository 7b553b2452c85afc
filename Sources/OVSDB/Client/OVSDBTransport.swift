import BasicTypes
import NIOCore
import NIOPosix
import NIOSSL

/// Opens one channel to one remote: TCP, TLS over TCP, or a unix socket, with the JSON-RPC framing
/// handler installed. Only socket and TLS set-up live here; the protocol is in `OVSDBClient`.
enum OVSDBTransport {
    struct Connection {
        let channel: Channel
        let events: AsyncStream<ConnectionEvent>
    }

    static func open(_ remote: OVSDBRemote, tls: OVSDBTLS?, connectTimeout: TimeAmount,
                     group: EventLoopGroup) async throws -> Connection {
        let (events, sink) = AsyncStream<ConnectionEvent>.makeStream()
        let sslContext: NIOSSLContext?
        var serverHostname: String?
        switch remote {
        case .ssl(let host, _):
            sslContext = try makeSSLContext(tls, remote: remote)
            serverHostname = isIPAddress(host) ? nil : host
        case .tcp, .unix:
            sslContext = nil
        }
        let name = remote.description
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let ssl = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(ssl)
                    }
                    try channel.pipeline.syncOperations.addHandler(JSONRPCFrameHandler(remote: name, sink: sink))
                }
            }
        do {
            let channel: Channel
            switch remote {
            case .tcp(let host, let port), .ssl(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
            return Connection(channel: channel, events: events)
        } catch {
            sink.finish()
            throw OVSDBError.unreachable("cannot connect to \(remote): \(error)")
        }
    }

    /// OVN's PKI: the server is verified against the CA, not against a host name (OVN certificates name
    /// a role, not a host), exactly as `ovn-nbctl --ca-cert` does.
    static func makeSSLContext(_ tls: OVSDBTLS?, remote: OVSDBRemote) throws -> NIOSSLContext {
        guard let tls else {
            throw OVSDBError.invalidArgument("\(remote) needs TLS files (caFile, certFile, keyFile)")
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        do {
            configuration.trustRoots = .file(tls.caFile)
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.certFile).map { .certificate($0) }
        } catch {
            throw OVSDBError.invalidArgument("cannot read certificate \(tls.certFile) for \(remote): \(error)")
        }
        do {
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.keyFile, format: .pem))
        } catch {
            throw OVSDBError.invalidArgument("cannot read private key \(tls.keyFile) for \(remote): \(error)")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw OVSDBError.invalidArgument("cannot use CA \(tls.caFile) for \(remote): \(error)")
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
