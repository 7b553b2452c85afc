import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Names a connection/TLS/HTTP error the way an operator would say it:
/// "connection refused", "TLS: certificate verify failed", "connect timed out".
enum ErrorText {
    static func describe(_ error: Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            return describe(error)
        case let error as IOError:
            return errnoText(error.errnoCode) ?? String(describing: error)
        case let error as ChannelError where isConnectTimeout(error):
            return "connect timed out"
        case let error as HTTPClientError:
            return describe(error)
        case let error as NIOSSLError:
            return describe(error)
        case let error as NIOSSLExtraError:
            return "TLS: \(error)"
        case let error as BoringSSLError:
            return "TLS: \(boringReason(String(describing: error)))"
        default:
            return String(describing: error)
        }
    }

    /// Text for well-known connect errnos; nil for the rest.
    static func errnoText(_ code: CInt) -> String? {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case ETIMEDOUT: return "connect timed out"
        case EADDRNOTAVAIL: return "address not available"
        default: return nil
        }
    }

    /// `CERTIFICATE_VERIFY_FAILED` out of a BoringSSL error stack, as "certificate verify failed".
    static func boringReason(_ text: String) -> String {
        let pattern = try? NSRegularExpression(pattern: "OPENSSL_internal:([A-Z0-9_]+)")
        let range = NSRange(text.startIndex..., in: text)
        guard let match = pattern?.firstMatch(in: text, range: range),
              let reason = Range(match.range(at: 1), in: text) else { return text }
        return text[reason].lowercased().replacingOccurrences(of: "_", with: " ")
    }

    private static func describe(_ error: NIOConnectionError) -> String {
        if let first = error.connectionErrors.first {
            return describe(first.error)
        }
        if let dns = error.dnsAError ?? error.dnsAAAAError {
            return "cannot resolve \(error.host): \(dns)"
        }
        return "cannot connect to \(error.host):\(error.port)"
    }

    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout: return "connect timed out"
        case .readTimeout: return "read timed out"
        case .deadlineExceeded: return "timed out"
        case .remoteConnectionClosed: return "connection closed by server"
        case .cancelled: return "cancelled"
        default: return String(describing: error)
        }
    }

    private static func describe(_ error: NIOSSLError) -> String {
        switch error {
        case let .handshakeFailed(inner):
            return "TLS: \(boringReason(String(describing: inner)))"
        case .uncleanShutdown:
            return "TLS: unclean shutdown"
        default:
            return "TLS: \(error)"
        }
    }

    private static func isConnectTimeout(_ error: ChannelError) -> Bool {
        if case .connectTimeout = error { return true }
        return false
    }
}
