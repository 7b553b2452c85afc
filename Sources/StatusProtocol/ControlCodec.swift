import Foundation

/// Why a control line could not be decoded. `description` is meant for humans (and for the
/// `error` field of the response the agent sends back).
public enum ControlCodecError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case oversized(limit: Int)
    case notUTF8
    case malformed(String)
    case unsupportedVersion(Int)
    case unknownCommand(String)

    public var description: String {
        switch self {
        case .empty:
            return "empty request line"
        case .oversized(let limit):
            return "request line longer than \(limit) bytes"
        case .notUTF8:
            return "request is not valid UTF-8"
        case .malformed(let why):
            return "malformed message: \(why)"
        case .unsupportedVersion(let version):
            return "protocol version mismatch: got version \(version), this side speaks version "
                + "\(ControlProtocol.version)"
        case .unknownCommand(let command):
            return "unknown command \"\(String(command.prefix(64)))\" (expected status, history, watch or stepDown)"
        }
    }
}

/// Encodes and decodes control protocol lines (see `ControlProtocol`). Pure; never traps on input.
public enum ControlCodec {
    /// Longest request line the agent accepts, newline excluded.
    public static let maxRequestLineBytes = 64 * 1024
    /// Longest response line a client accepts (status documents of large clusters stay far below).
    public static let maxResponseLineBytes = 16 * 1024 * 1024

    // MARK: Encoding

    /// The request as one line, newline included.
    public static func encode(_ request: ControlRequest) -> Data {
        line(request)
    }

    /// The response as one line, newline included.
    public static func encode(_ response: ControlResponse) -> Data {
        line(response)
    }

    // MARK: Decoding

    /// Decodes one request line (with or without its trailing newline).
    public static func decodeRequest(_ line: Data) throws -> ControlRequest {
        try decode(ControlRequest.self, from: line, limit: maxRequestLineBytes)
    }

    public static func decodeRequest(_ line: String) throws -> ControlRequest {
        try decodeRequest(Data(line.utf8))
    }

    /// Decodes one response line (with or without its trailing newline).
    public static func decodeResponse(_ line: Data) throws -> ControlResponse {
        try decode(ControlResponse.self, from: line, limit: maxResponseLineBytes)
    }

    public static func decodeResponse(_ line: String) throws -> ControlResponse {
        try decodeResponse(Data(line.utf8))
    }

    /// The status document as `vipctl status --json` prints it: pretty, keys sorted.
    public static func prettyJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// One compact JSON line, keys sorted, no newline (for `--watch --json`).
    public static func compactJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Internals

    private static func line<T: Encodable>(_ value: T) -> Data {
        var data = Data(compactJSON(value).utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads only "version", tolerating any other content.
    private struct VersionProbe: Decodable {
        var version: Int?
        var versionIsInteger = true

        private enum CodingKeys: String, CodingKey { case version }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            do {
                version = try c.decodeIfPresent(Int.self, forKey: .version)
            } catch {
                version = nil
                versionIsInteger = false
            }
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from raw: Data, limit: Int) throws -> T {
        var line = raw
        while let last = line.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            line.removeLast()
        }
        guard line.count <= limit else { throw ControlCodecError.oversized(limit: limit) }
        guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
            throw ControlCodecError.empty
        }
        guard String(bytes: line, encoding: .utf8) != nil else { throw ControlCodecError.notUTF8 }
        let decoder = JSONDecoder()
        // Check the version first, so a peer of another version gets a version error rather than
        // a confusing complaint about a field that moved.
        let probe: VersionProbe
        do {
            probe = try decoder.decode(VersionProbe.self, from: line)
        } catch DecodingError.dataCorrupted {
            throw ControlCodecError.malformed("not valid JSON")
        } catch {
            throw ControlCodecError.malformed("not a JSON object")
        }
        guard probe.versionIsInteger else {
            throw ControlCodecError.malformed("\"version\" must be an integer")
        }
        guard let version = probe.version else {
            throw ControlCodecError.malformed("missing \"version\"")
        }
        guard version == ControlProtocol.version else {
            throw ControlCodecError.unsupportedVersion(version)
        }
        do {
            return try decoder.decode(T.self, from: line)
        } catch let error as ControlCodecError {
            throw error
        } catch let error as DecodingError {
            throw ControlCodecError.malformed(describe(error))
        } catch {
            throw ControlCodecError.malformed("\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let base = path(context)
            return "missing \"\(key.stringValue)\"" + (base == "top level" ? "" : " in \(base)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case .dataCorrupted(let context):
            return "invalid value at \(path(context))"
        @unknown default:
            return "undecodable"
        }
    }
}
