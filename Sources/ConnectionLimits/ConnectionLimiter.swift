import NIOConcurrencyHelpers
import NIOCore

/// Caps the connections a listening socket keeps open: accepted beyond `limit`, a connection
/// is closed at once (its descriptor freed) and counted. Goes in the server channel's pipeline
/// (`serverChannelInitializer`), before NIO's accept handler, so refused connections never
/// reach the application. With the cap well below RLIMIT_NOFILE, a flood of idle clients cannot
/// take the descriptors that adverts, checks and announcements need.
public final class ConnectionLimiter: ChannelInboundHandler, Sendable {
    public typealias InboundIn = Channel
    public typealias InboundOut = Channel

    public let limit: Int
    private let state = NIOLockedValueBox((open: 0, refused: UInt64(0)))

    public init(limit: Int) {
        self.limit = limit
    }

    /// Connections open now.
    public var openCount: Int { state.withLockedValue { $0.open } }
    /// Connections closed at once because `limit` were open.
    public var refusedCount: UInt64 { state.withLockedValue { $0.refused } }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        let admitted = state.withLockedValue { value -> Bool in
            guard value.open < limit else {
                value.refused &+= 1
                return false
            }
            value.open += 1
            return true
        }
        guard admitted else {
            child.close(promise: nil)
            return
        }
        child.closeFuture.whenComplete { [state] _ in
            state.withLockedValue { $0.open -= 1 }
        }
        context.fireChannelRead(data)
    }
}

/// Closes a connection that has been idle (nothing read and nothing written) for `timeout`.
/// Insert with `IdleStateHandler(allTimeout:)` before it.
public final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    public typealias InboundIn = NIOAny

    public init() {}

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
