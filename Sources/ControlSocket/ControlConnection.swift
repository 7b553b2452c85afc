import Foundation
import Logging
import NIOCore
import StatusProtocol

/// Serves one client: reads request lines, answers them, streams `watch`. Every write is bounded by
/// `writeTimeout`: a client that stops reading is disconnected instead of holding anything up.
struct ControlConnection {
    let channel: NIOAsyncChannel<ControlInboundLine, ByteBuffer>
    let handler: ControlHandler
    let writeTimeout: TimeAmount
    let logger: Logger

    func run() async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                while let line = try await lines.next() {
                    let request: ControlRequest
                    switch decode(line) {
                    case .failure(let error):
                        logger.debug("rejecting control request", metadata: ["error": "\(error)"])
                        try await send(.error(error.description), outbound)
                        return  // the protocol closes the connection after a bad request
                    case .success(let decoded):
                        request = decoded
                    }
                    switch request {
                    case .status:
                        try await send(.status(await handler.status()), outbound)
                    case .history:
                        try await send(.history(await handler.history()), outbound)
                    case .stepDown(let vip):
                        logger.info("step-down requested over the control socket",
                                    metadata: ["vip": "\(vip ?? "all")"])
                        try await send(await handler.stepDown(vip: vip), outbound)
                    case .watch:
                        try await watch(outbound, ignoring: lines)
                        return
                    }
                }
            }
        } catch {
            logger.debug("control connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func decode(_ line: ControlInboundLine) -> Result<ControlRequest, ControlCodecError> {
        switch line {
        case .oversized:
            return .failure(.oversized(limit: ControlCodec.maxRequestLineBytes))
        case .line(let buffer):
            do {
                return .success(try ControlCodec.decodeRequest(Data(buffer.readableBytesView)))
            } catch let error as ControlCodecError {
                return .failure(error)
            } catch {
                return .failure(.malformed("\(error)"))
            }
        }
    }

    /// One status line now, then one per update, until the client goes away. Updates that arrive
    /// while a write is still pending are coalesced: the client always gets the newest document.
    /// Whatever the client sends meanwhile is read and ignored (`rest`), so that its leaving is noticed.
    private func watch(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                       ignoring rest: sending NIOAsyncChannelInboundStream<ControlInboundLine>.AsyncIterator) async throws {
        let (latest, latestSink) = AsyncStream.makeStream(of: StatusDocument.self,
                                                          bufferingPolicy: .bufferingNewest(1))
        let updates = handler.statusUpdates()
        let relay = Task {
            for await doc in updates { latestSink.yield(doc) }
            latestSink.finish()
        }
        let drain = Task {
            var rest = rest
            while (try? await rest.next()) != nil {}
        }
        let closed = channel.channel.closeFuture
        closed.whenComplete { _ in relay.cancel(); latestSink.finish() }
        defer { relay.cancel(); drain.cancel(); latestSink.finish() }

        try await send(.status(await handler.status()), outbound)
        for await doc in latest {
            try await send(.status(doc), outbound)
        }
    }

    private func send(_ response: ControlResponse, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        let channel = self.channel.channel
        let timeout = writeTimeout
        let logger = self.logger
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            logger.warning("control client stopped reading; disconnecting it",
                           metadata: ["timeout": "\(timeout)"])
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        try await outbound.write(ByteBuffer(bytes: ControlCodec.encode(response)))
    }
}
