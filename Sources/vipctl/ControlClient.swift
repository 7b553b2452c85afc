import Foundation
import StatusProtocol

enum ControlProtocolVersion {
    static let current = ControlProtocol.version
}

/// Talks `ControlProtocol` to the agent: one request and its answer, or a `watch` stream.
struct ControlClient {
    let path: String
    /// How long a single request may wait for its answer.
    var timeoutSeconds = 10

    /// The socket path: `--socket`, else `VIPCTL_SOCKET`, else the default.
    static func resolvePath(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment["VIPCTL_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        return ControlProtocol.defaultSocketPath
    }

    /// Sends `request` and returns the agent's answer; an error answer is thrown as `ClientError.agent`.
    func send(_ request: ControlRequest) throws -> ControlResponse {
        let connection = try UnixConnection(path: path)
        connection.setReadTimeout(seconds: timeoutSeconds)
        try connection.write(ControlCodec.encode(request))
        guard let line = try connection.readLine(limit: ControlCodec.maxResponseLineBytes,
                                                 timeoutSeconds: timeoutSeconds) else {
            throw ClientError.closed(path: path)
        }
        return try checked(decode(line))
    }

    /// Streams status documents to `onUpdate` until the agent closes the connection (returns) or
    /// fails (throws). Waits for the agent: no polling.
    func watch(_ onUpdate: (StatusDocument) throws -> Void) throws {
        let connection = try UnixConnection(path: path)
        try connection.write(ControlCodec.encode(ControlRequest.watch))
        var first = true
        while let line = try connection.readLine(limit: ControlCodec.maxResponseLineBytes,
                                                 timeoutSeconds: nil) {
            switch try checked(decode(line)) {
            case .status(let doc):
                try onUpdate(doc)
                first = false
            default:
                throw ClientError.badResponse(path: path, detail: "a watch stream carried something else than a status")
            }
        }
        if first { throw ClientError.closed(path: path) }
    }

    private func decode(_ line: Data) throws -> ControlResponse {
        do {
            return try ControlCodec.decodeResponse(line)
        } catch ControlCodecError.unsupportedVersion(let version) {
            throw ClientError.protocolMismatch(path: path, agentVersion: version)
        } catch let error as ControlCodecError {
            throw ClientError.badResponse(path: path, detail: error.description)
        }
    }

    private func checked(_ response: ControlResponse) throws -> ControlResponse {
        if case .error(let message) = response { throw ClientError.agent(message) }
        return response
    }
}
