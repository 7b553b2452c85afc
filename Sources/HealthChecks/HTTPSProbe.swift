import BasicTypes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// `https` check: GET the URL; healthy on 2xx. One `HTTPClient` per probe, built with the
/// check's TLS settings and shut down when the probe goes away.
public final class HTTPSProbe: Probe {
    /// At most this much of the body is read; only its first line is reported.
    static let bodyLimit = 4096

    public let url: String
    private let client: HTTPClient

    init(url: String, tlsConfiguration: TLSConfiguration, eventLoopGroup: EventLoopGroup) throws {
        try Self.validate(url: url)
        self.url = url
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tlsConfiguration
        // A redirect is an answer worth reporting ("HTTP 302"), not something to follow.
        configuration.redirectConfiguration = .disallow
        // Fail at once on "connection refused" rather than retrying until the deadline, so the
        // detail names the real cause; every run makes its own attempt anyway.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    deinit {
        client.shutdown { _ in }
    }

    /// Shuts the client down now (the deinit does it too; this variant can be awaited).
    public func shutdown() async {
        try? await client.shutdown()
    }

    public func run(timeout: Duration) async -> ProbeOutcome {
        let start = ContinuousClock.now
        let timedOut = "timed out after \(formatDuration(timeout))"
        let result = await withDeadline(timeout) { [client, url] in
            await Self.fetch(client: client, url: url, timeout: timeout, timedOutText: timedOut)
        }
        let (success, detail) = result ?? (false, timedOut)
        return ProbeOutcome(success: success, detail: detail, duration: ContinuousClock.now - start)
    }

    private static func fetch(
        client: HTTPClient, url: String, timeout: Duration, timedOutText: String
    ) async -> (Bool, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "vip-agent")
        do {
            let response = try await client.execute(request, timeout: timeout.timeAmount)
            let body = try await readPrefix(of: response.body)
            return HTTPSVerdict.judge(status: Int(response.status.code),
                                      reason: response.status.reasonPhrase, body: body)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return (false, timedOutText)
        } catch {
            return (false, ErrorText.describe(error))
        }
    }

    private static func readPrefix(of body: HTTPClientResponse.Body) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes.append(contentsOf: chunk.readableBytesView.prefix(bodyLimit - bytes.count))
            if bytes.count >= bodyLimit { break }
        }
        return bytes
    }

    private static func validate(url: String) throws {
        guard let parsed = URL(string: url),
              let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = parsed.host, !host.isEmpty else {
            throw ProbeSpecError("https.url \"\(url)\" is not an http(s) URL with a host")
        }
    }
}
