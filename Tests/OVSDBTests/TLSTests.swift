import TestSupport
import Foundation
import Logging
import XCTest
@testable import OVSDB

/// `ssl:` remotes against an ovsdb-server with `--remote=pssl:`, certificates from a test CA.
final class TLSTests: XCTestCase {
    var server: OVSDBServerFixture?
    var client: OVSDBClient?

    override func tearDown() async throws {
        await client?.close()
        server?.shutdown()
    }

    func testConnectsOverSSLWithClientCertificate() async throws {
        let nb = try OVSDBServerFixture(tls: true)
        server = nb
        let tls = OVSDBTLS(caFile: nb.file("ca.crt"), certFile: nb.file("client.crt"), keyFile: nb.file("client.key"))
        let c = OVSDBClient(remotes: [try OVSDBRemote.parse(nb.sslRemote)], tls: tls, logger: Logger(label: "tls"))
        client = c
        try await c.connect()
        let dbs = try await c.listDatabases()
        XCTAssertTrue(dbs.contains("OVN_Northbound"), "\(dbs)")
    }

    func testServerSignedByAnotherCAIsRefusedAndNamed() async throws {
        let nb = try OVSDBServerFixture(tls: true)
        server = nb
        // The client's own certificate as the only trusted CA: the server's chain cannot verify.
        let tls = OVSDBTLS(caFile: nb.file("client.crt"), certFile: nb.file("client.crt"), keyFile: nb.file("client.key"))
        let c = OVSDBClient(remotes: [try OVSDBRemote.parse(nb.sslRemote)], tls: tls, logger: Logger(label: "tls"),
                            options: OVSDBClientOptions(requestTimeout: .seconds(2), initialBackoff: .milliseconds(50)))
        client = c
        do {
            try await c.connect()
            XCTFail("a server whose certificate does not verify was trusted")
        } catch let OVSDBError.connectFailed(errors) {
            XCTAssertEqual(errors.count, 1)
            XCTAssertTrue(errors[0].contains(nb.sslRemote), errors[0])
        }
        let state = await c.connectionState
        XCTAssertFalse(state.isConnected, "\(state)")
    }

    func testMissingOrUnreadableTLSFilesAreNamed() async throws {
        let remote = OVSDBRemote.ssl(host: "127.0.0.1", port: 6641)
        XCTAssertThrowsError(try OVSDBTransport.makeSSLContext(nil, remote: remote)) { error in
            XCTAssertTrue("\(error)".contains("needs TLS files"), "\(error)")
        }
        let missing = OVSDBTLS(caFile: "/nonexistent/ca.crt", certFile: "/nonexistent/c.crt", keyFile: "/nonexistent/c.key")
        XCTAssertThrowsError(try OVSDBTransport.makeSSLContext(missing, remote: remote)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/"), "\(error)")
        }
    }
}
