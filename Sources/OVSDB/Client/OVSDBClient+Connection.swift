import NIOCore

/// The connection supervisor: one connection at a time, next member on loss, capped backoff.
extension OVSDBClient {
    func superviseConnection() async {
        var roundErrors: [String] = []
        var backoff = options.initialBackoff
        while !Task.isCancelled && !isClosed {
            let remote = remotes[remoteIndex]
            remoteIndex = (remoteIndex + 1) % remotes.count
            let outcome: ServeOutcome
            do {
                let connection = try await OVSDBTransport.open(
                    remote, tls: tls, connectTimeout: TimeAmount(options.connectTimeout), group: group)
                if isClosed || Task.isCancelled {
                    try? await connection.channel.close()
                    return
                }
                outcome = await serve(connection, remote: remote)
            } catch {
                outcome = .notEstablished("\(error)")
            }
            if isClosed { return }
            switch outcome {
            case .notEstablished(let reason):
                logger.warning("OVSDB connection failed", metadata: ["remote": "\(remote)", "error": "\(reason)"])
                roundErrors.append(reason)
                setState(.connecting(lastError: reason))
                if roundErrors.count >= remotes.count {
                    resumeConnectWaiters(.failure(OVSDBError.connectFailed(roundErrors)))
                    roundErrors = []
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, options.maxBackoff)
                }
            case .ended(let reason, let lasted):
                roundErrors = []
                logger.warning("OVSDB connection lost", metadata: ["remote": "\(remote)", "reason": "\(reason)"])
                setState(.connecting(lastError: "\(remote): \(reason)"))
                // A connection that dies right away (server dropping us) must not spin.
                if lasted < .seconds(2) {
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, options.maxBackoff)
                } else {
                    backoff = options.initialBackoff
                }
            }
        }
    }

    enum ServeOutcome {
        /// The socket opened but the peer never answered like an OVSDB server (TLS refused, wrong port).
        case notEstablished(String)
        case ended(String, lasted: Duration)
    }

    /// Runs one connection until it closes. The connection counts as up only once the server has
    /// answered an `echo`: that proves the TLS handshake and the protocol, not just the socket.
    private func serve(_ connection: OVSDBTransport.Connection, remote: OVSDBRemote) async -> ServeOutcome {
        let started = ContinuousClock.now
        let channel = connection.channel
        self.channel = channel
        var endReason = "closed by the server"
        let reader = Task { () -> String? in
            var failure: String?
            for await event in connection.events {
                switch event {
                case .message(let message): self.handle(message, on: channel)
                case .failed(let text): failure = text
                }
            }
            return failure
        }
        do {
            _ = try await request("echo", params: .array([.string("vip-agent hello")]), timeout: options.connectTimeout)
        } catch {
            channel.close(promise: nil)
            let failure = await reader.value
            if self.channel === channel { self.channel = nil }
            // The frame handler's failure text already names the remote.
            let reason = failure ?? "\(remote): \(error)"
            failAllPending(OVSDBError.disconnected(reason))
            return .notEstablished(reason)
        }
        logger.info("OVSDB connected", metadata: ["remote": "\(remote)"])
        setState(.connected(remote))
        resumeConnectWaiters(.success(()))
        for id in monitors.keys.sorted() {
            do {
                try await startMonitor(id)
            } catch {
                logger.error("OVSDB monitor failed", metadata: ["remote": "\(remote)", "error": "\(error)"])
                if (error as? OVSDBError)?.isConnectionLoss != true { monitors[id] = nil }
            }
        }
        let keepAlive = Task { await self.keepAlive(channel) }
        if let failure = await reader.value { endReason = failure }
        keepAlive.cancel()
        if self.channel === channel { self.channel = nil }
        if let text = keepAliveFailure.removeValue(forKey: ObjectIdentifier(channel)) { endReason = text }
        failAllPending(OVSDBError.disconnected("\(remote): \(endReason)"))
        return .ended(endReason, lasted: ContinuousClock.now - started)
    }

    /// Our own `echo` every `echoInterval`; no answer within `echoTimeout` closes the connection.
    private func keepAlive(_ channel: Channel) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: options.echoInterval)
            } catch { return }
            guard self.channel === channel else { return }
            do {
                _ = try await request("echo", params: .array([.string("vip-agent keepalive")]),
                                      timeout: options.echoTimeout)
            } catch {
                guard !Task.isCancelled, self.channel === channel else { return }
                let text = "no answer to echo within \(options.echoTimeout): \(error)"
                keepAliveFailure[ObjectIdentifier(channel)] = text
                logger.warning("OVSDB keep-alive failed, reconnecting", metadata: ["error": "\(text)"])
                channel.close(promise: nil)
                return
            }
        }
    }

    /// Sends a monitor and replaces its replica with the initial dump.
    func startMonitor(_ id: Int) async throws {
        guard let registration = monitors[id] else { return }
        let result = try await request("monitor", params: registration.params, timeout: options.requestTimeout)
        guard var current = monitors[id] else { return }
        do {
            try current.snapshot.reset(initial: result)
        } catch {
            throw OVSDBError.protocolViolation("monitor of \(registration.database): \(error)")
        }
        monitors[id] = current
        current.onUpdate(current.snapshot)
    }
}
