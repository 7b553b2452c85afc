import NIOCore

/// Builds the probe for `spec`. Throws `ProbeSpecError` only for specs that can never work
/// (an unreadable CA file, a malformed URL, an empty command, a target that is not IPv4);
/// anything that may come right later (a missing interface, a refused port) is a failed run instead.
public func makeProbe(_ spec: ProbeSpec, eventLoopGroup: EventLoopGroup) throws -> Probe {
    switch spec {
    case let .https(url, caFile, insecureSkipVerify, certFile, keyFile):
        let tls = try HTTPSTLSSettings(
            caFile: caFile, insecureSkipVerify: insecureSkipVerify, certFile: certFile, keyFile: keyFile
        ).makeTLSConfiguration()
        return try HTTPSProbe(url: url, tlsConfiguration: tls, eventLoopGroup: eventLoopGroup)
    case let .tcp(host, port):
        return try TCPProbe(host: host, port: port, eventLoopGroup: eventLoopGroup)
    case let .exec(command):
        return try ExecProbe(command: command)
    case let .arp(target, interface):
        return try ARPCheckProbe(target: target, interface: interface)
    }
}
