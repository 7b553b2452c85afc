import NIOCore
import StatusProtocol

/// Closes a control connection that sends no request line for `timeout` after connecting or
/// after its last request, so idle clients cannot pile up. A `watch` connection is exempt once
/// it has asked to watch: it legitimately stays silent while updates flow to it.
/// Sits after the line decoder; on the connection's loop only.
final class RequestDeadline: ChannelInboundHandler {
    typealias InboundIn = ControlInboundLine
    typealias InboundOut = ControlInboundLine

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var watching = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline?.cancel()
        deadline = nil
        if case .line(let buffer) = unwrapInboundIn(data),
           let request = try? ControlCodec.decodeRequest(String(decoding: buffer.readableBytesView, as: UTF8.self)),
           case .watch = request {
            watching = true
        }
        if !watching { arm(context) }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
