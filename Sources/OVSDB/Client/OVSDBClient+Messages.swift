import NIOCore

/// Requests we send and messages the server sends: replies, `echo`, `update`.
extension OVSDBClient {
    /// Sends a request and waits for its reply; a JSON-RPC error becomes `rpcError` with the server's text.
    func request(_ method: String, params: JSONValue, timeout: Duration) async throws -> JSONValue {
        guard !isClosed else { throw OVSDBError.closed }
        guard let channel else { throw OVSDBError.notConnected }
        let id = nextRequestID
        nextRequestID += 1
        let bytes = JSONWriter.bytes(JSONRPCMessage.request(method: method, params: params, id: .int(id)).json)
        return try await withCheckedThrowingContinuation { continuation in
            let timer = Task {
                do { try await Task.sleep(for: timeout) } catch { return }
                self.finish(id, with: .failure(OVSDBError.timeout("no reply to \(method) within \(timeout)")))
            }
            pending[id] = PendingRequest(method: method, continuation: continuation, timeout: timer)
            channel.writeAndFlush(ByteBuffer(bytes: bytes)).whenFailure { error in
                Task { await self.finish(id, with: .failure(OVSDBError.disconnected("sending \(method): \(error)"))) }
            }
        }
    }

    func finish(_ id: Int, with result: Result<JSONValue, Error>) {
        guard let request = pending.removeValue(forKey: id) else { return }
        request.timeout.cancel()
        request.continuation.resume(with: result)
    }

    func failAllPending(_ error: OVSDBError) {
        for id in pending.keys.sorted() { finish(id, with: .failure(error)) }
    }

    func handle(_ message: JSONRPCMessage, on channel: Channel) {
        switch message {
        case .response(let id, let result, let error):
            guard let number = id.intValue, let request = pending[number] else {
                logger.debug("OVSDB reply to an unknown request", metadata: ["id": "\(id)"])
                return
            }
            if error.isNull {
                finish(number, with: .success(result))
            } else {
                finish(number, with: .failure(OVSDBError.rpcError(method: request.method, error: Self.text(of: error))))
            }
        case .request(let method, let params, let id):
            let reply: JSONRPCMessage = method == "echo"
                ? .response(id: id, result: params, error: .null)
                : .response(id: id, result: .null, error: .string("unknown method \(method)"))
            channel.writeAndFlush(ByteBuffer(bytes: JSONWriter.bytes(reply.json)), promise: nil)
        case .notification(let method, let params):
            guard method == "update" else {
                logger.debug("OVSDB notification ignored", metadata: ["method": "\(method)"])
                return
            }
            applyUpdate(params, on: channel)
        }
    }

    /// `update` params: `[<json-value> monitor id, <table-updates>]`.
    private func applyUpdate(_ params: JSONValue, on channel: Channel) {
        guard let items = params.arrayValue, items.count == 2, let name = items[0].stringValue,
              name.hasPrefix("monitor-"), let id = Int(name.dropFirst("monitor-".count)),
              var registration = monitors[id]
        else {
            logger.warning("OVSDB update for an unknown monitor", metadata: ["params": "\(params.description.prefix(200))"])
            return
        }
        do {
            try registration.snapshot.apply(tableUpdates: items[1])
        } catch {
            // A replica we cannot trust is worse than a reconnection, which brings a fresh dump.
            logger.error("OVSDB update could not be applied, reconnecting", metadata: ["error": "\(error)"])
            channel.close(promise: nil)
            return
        }
        monitors[id] = registration
        registration.onUpdate(registration.snapshot)
    }

    /// A JSON-RPC error is a string or `{"error": …, "details": …}`.
    static func text(of error: JSONValue) -> String {
        if let s = error.stringValue { return s }
        if let e = error["error"]?.stringValue {
            return e + (error["details"]?.stringValue.map { ": \($0)" } ?? "")
        }
        return error.description
    }
}
