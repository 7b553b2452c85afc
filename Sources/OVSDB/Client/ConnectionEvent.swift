/// What one connection's channel reports to the client, in arrival order.
enum ConnectionEvent: Sendable {
    case message(JSONRPCMessage)
    /// The stream broke (bad framing, bad JSON, TLS or socket error); the channel is being closed.
    case failed(String)
}
