import AgentConfig
import HealthChecks

extension ProbeSpec {
    /// The probe for a configured check; the configuration is already validated.
    init(_ kind: HealthCheckKind) {
        switch kind {
        case let .https(url, caFile, insecureSkipVerify, certFile, keyFile):
            self = .https(url: url, caFile: caFile, insecureSkipVerify: insecureSkipVerify,
                          certFile: certFile, keyFile: keyFile)
        case let .tcp(address):
            let hostPort = HostPort(address)
            self = .tcp(host: hostPort?.host ?? address, port: Int(hostPort?.port ?? 0))
        case let .exec(command):
            self = .exec(command: command)
        case let .arp(target, interface):
            self = .arp(target: target.bytes, interface: interface)
        }
    }
}
