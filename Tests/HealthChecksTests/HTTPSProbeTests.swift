import HealthChecks
import NIOPosix
import XCTest

final class HTTPSProbeTests: XCTestCase {
    // XCTest runs the tests of one class one after another, so this cache is never raced.
    nonisolated(unsafe) private static var sharedPKI: TestPKI?
    private var servers: [TestHTTPSServer] = []
    private var probes: [HTTPSProbe] = []

    /// One PKI for the whole class: key generation is the slow part.
    private func pki() throws -> TestPKI {
        if let pki = Self.sharedPKI { return pki }
        let pki = try TestPKI()
        Self.sharedPKI = pki
        return pki
    }

    override class func tearDown() {
        sharedPKI?.directory.remove()
        sharedPKI = nil
        super.tearDown()
    }

    override func tearDown() async throws {
        for probe in probes { await probe.shutdown() }
        servers.forEach { $0.shutdown() }
    }

    private func server(_ behaviour: TestHTTPSServer.Behaviour, requireClientCertificate: Bool = false) throws -> TestHTTPSServer {
        let server = try TestHTTPSServer(pki: try pki(), behaviour: behaviour,
                                         requireClientCertificate: requireClientCertificate)
        servers.append(server)
        return server
    }

    private func probe(url: String, caFile: String?, insecureSkipVerify: Bool = false,
                       certFile: String? = nil, keyFile: String? = nil) throws -> HTTPSProbe {
        let spec = ProbeSpec.https(url: url, caFile: caFile, insecureSkipVerify: insecureSkipVerify,
                                   certFile: certFile, keyFile: keyFile)
        let probe = try XCTUnwrap(try makeProbe(spec, eventLoopGroup: MultiThreadedEventLoopGroup.singleton) as? HTTPSProbe)
        probes.append(probe)
        return probe
    }

    func testReadyServerIsHealthyWithStatusInTheDetail() async throws {
        let server = try server(.respond(status: 200, reason: "OK", body: "ok\n"))
        let outcome = try await probe(url: server.url, caFile: try pki().caCert).run(timeout: .seconds(3))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertEqual(outcome.detail, "200 OK")
    }

    func testServerErrorFailsWithTheBodysFirstLine() async throws {
        let body = "\n[-]etcd failed: reason withheld\n[+]ping ok\nreadyz check failed\n"
        let server = try server(.respond(status: 500, reason: "Internal Server Error", body: body))
        let outcome = try await probe(url: server.url, caFile: try pki().caCert).run(timeout: .seconds(3))
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "HTTP 500: [-]etcd failed: reason withheld")
    }

    func testUntrustedCAFailsNamingTheVerificationError() async throws {
        let server = try server(.respond(status: 200, reason: "OK", body: "ok"))
        let outcome = try await probe(url: server.url, caFile: try pki().otherCACert).run(timeout: .seconds(3))
        XCTAssertFalse(outcome.success)
        XCTAssertTrue(outcome.detail.hasPrefix("TLS: "), outcome.detail)
        XCTAssertTrue(outcome.detail.contains("certificate verify failed"), outcome.detail)
    }

    func testInsecureSkipVerifyAcceptsAnUntrustedServer() async throws {
        let server = try server(.respond(status: 200, reason: "OK", body: "ok"))
        let outcome = try await probe(url: server.url, caFile: try pki().otherCACert, insecureSkipVerify: true)
            .run(timeout: .seconds(3))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertEqual(outcome.detail, "200 OK")
    }

    func testHangingServerTimesOutWithinTheTimeout() async throws {
        let server = try server(.hang)
        let probe = try probe(url: server.url, caFile: try pki().caCert)
        let started = ContinuousClock.now
        let outcome = await probe.run(timeout: .milliseconds(400))
        let elapsed = ContinuousClock.now - started
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "timed out after 400ms")
        XCTAssertLessThan(elapsed, .milliseconds(400 + 200), "the run must end at its timeout")
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(380))
    }

    func testConnectionRefusedIsNamed() async throws {
        let port = try closedTCPPort()
        let outcome = try await probe(url: "https://127.0.0.1:\(port)/readyz", caFile: try pki().caCert)
            .run(timeout: .seconds(2))
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "connection refused")
    }

    func testClientCertificateIsPresented() async throws {
        let pki = try pki()
        let server = try server(.respond(status: 200, reason: "OK", body: "ok"), requireClientCertificate: true)
        let withIdentity = try await probe(url: server.url, caFile: pki.caCert, certFile: pki.clientCert,
                                           keyFile: pki.clientKey).run(timeout: .seconds(3))
        XCTAssertTrue(withIdentity.success, withIdentity.detail)
        let without = try await probe(url: server.url, caFile: pki.caCert).run(timeout: .seconds(3))
        XCTAssertFalse(without.success, "a server that requires a client certificate must refuse us without one")
    }

    func testBadSpecsAreRefusedNamingTheKeyOrFile() throws {
        let group = MultiThreadedEventLoopGroup.singleton
        func message(_ spec: ProbeSpec) -> String {
            do {
                _ = try makeProbe(spec, eventLoopGroup: group)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message(.https(url: "https://127.0.0.1/readyz", caFile: "/nonexistent/ca.crt",
                                      insecureSkipVerify: false, certFile: nil, keyFile: nil)),
                       "https.caFile \"/nonexistent/ca.crt\" does not exist")
        XCTAssertEqual(message(.https(url: "not a url", caFile: nil, insecureSkipVerify: false,
                                      certFile: nil, keyFile: nil)),
                       "https.url \"not a url\" is not an http(s) URL with a host")
        XCTAssertEqual(message(.https(url: "https://127.0.0.1/", caFile: nil, insecureSkipVerify: false,
                                      certFile: try pki().clientCert, keyFile: nil)),
                       "https.certFile is set but https.keyFile is not; a client certificate needs both")
        let notPEM = try pki().directory.file("openssl.cnf")
        XCTAssertTrue(message(.https(url: "https://127.0.0.1/", caFile: notPEM, insecureSkipVerify: false,
                                     certFile: nil, keyFile: nil)).hasPrefix("https.caFile \"\(notPEM)\""))
    }
}
