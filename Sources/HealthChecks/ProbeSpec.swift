/// What to probe. One case per kind of health check; the values are already parsed
/// (the configuration layer turns `10.4.19.1` into `[10, 4, 19, 1]`).
public enum ProbeSpec: Sendable, Equatable {
    /// GET `url`; healthy on 2xx. `caFile` is a PEM bundle (several certificates allowed);
    /// without it the system trust store is used. `certFile`/`keyFile` are an optional client identity.
    case https(url: String, caFile: String?, insecureSkipVerify: Bool, certFile: String?, keyFile: String?)
    /// A TCP connect to `host:port`.
    case tcp(host: String, port: Int)
    /// Run `command` (argv; `command[0]` is looked up in PATH); healthy on exit 0.
    case exec(command: [String])
    /// An ARP request for the IPv4 `target` on `interface`; healthy on any reply.
    case arp(target: [UInt8], interface: String)
}
