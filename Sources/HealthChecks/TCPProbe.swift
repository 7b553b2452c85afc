import BasicTypes
import NIOCore
import NIOPosix

/// `tcp` check: healthy when a TCP connection to host:port completes; it is closed at once.
public final class TCPProbe: Probe {
    public let host: String
    public let port: Int
    private let eventLoopGroup: EventLoopGroup

    init(host: String, port: Int, eventLoopGroup: EventLoopGroup) throws {
        guard !host.isEmpty else { throw ProbeSpecError("tcp.address: the host is empty") }
        guard (1...65535).contains(port) else {
            throw ProbeSpecError("tcp.address: port \(port) is outside 1..65535")
        }
        self.host = host
        self.port = port
        self.eventLoopGroup = eventLoopGroup
    }

    public func run(timeout: Duration) async -> ProbeOutcome {
        let start = ContinuousClock.now
        let timedOut = "timed out after \(formatDuration(timeout))"
        let result = await withDeadline(timeout) { [eventLoopGroup, host, port] in
            await Self.connect(group: eventLoopGroup, host: host, port: port, timeout: timeout)
        }
        let (success, detail) = result ?? (false, timedOut)
        let finalDetail = detail == "connect timed out" ? timedOut : detail
        return ProbeOutcome(success: success, detail: finalDetail, duration: ContinuousClock.now - start)
    }

    private static func connect(
        group: EventLoopGroup, host: String, port: Int, timeout: Duration
    ) async -> (Bool, String) {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout.timeAmount)
                .connect(host: host, port: port)
                .get()
            try? await channel.close()
            return (true, "connected to \(host):\(port)")
        } catch {
            return (false, ErrorText.describe(error))
        }
    }
}
