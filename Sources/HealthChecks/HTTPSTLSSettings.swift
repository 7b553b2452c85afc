import Foundation
import NIOSSL

/// The TLS half of an `https` spec, turned into a NIOSSL `TLSConfiguration`.
/// Every file is read once here, so a bad path fails at start-up with the file named.
struct HTTPSTLSSettings: Sendable, Equatable {
    var caFile: String?
    var insecureSkipVerify: Bool
    var certFile: String?
    var keyFile: String?

    func makeTLSConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            tls.trustRoots = .certificates(try Self.loadCertificates(caFile, role: "caFile"))
        }
        if insecureSkipVerify {
            tls.certificateVerification = .none
        }
        switch (certFile, keyFile) {
        case (nil, nil):
            break
        case let (cert?, key?):
            tls.certificateChain = try Self.loadCertificates(cert, role: "certFile").map { .certificate($0) }
            tls.privateKey = .privateKey(try Self.loadPrivateKey(key))
        case (_?, nil):
            throw ProbeSpecError("https.certFile is set but https.keyFile is not; a client certificate needs both")
        case (nil, _?):
            throw ProbeSpecError("https.keyFile is set but https.certFile is not; a client certificate needs both")
        }
        return tls
    }

    static func loadCertificates(_ path: String, role: String) throws -> [NIOSSLCertificate] {
        let bytes = try readFile(path, role: role)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw ProbeSpecError("https.\(role) \"\(path)\": not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else {
            throw ProbeSpecError("https.\(role) \"\(path)\": no PEM certificate found")
        }
        return certificates
    }

    static func loadPrivateKey(_ path: String) throws -> NIOSSLPrivateKey {
        let bytes = try readFile(path, role: "keyFile")
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw ProbeSpecError("https.keyFile \"\(path)\": not a PEM private key (\(error))")
        }
    }

    private static func readFile(_ path: String, role: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ProbeSpecError("https.\(role) \"\(path)\" \(reason)")
        }
        return [UInt8](data)
    }
}
