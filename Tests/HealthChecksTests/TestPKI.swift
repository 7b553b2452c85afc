import Foundation

/// A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, made with
/// the `openssl` CLI at test time; plus a second, unrelated CA for "untrusted" cases and a client
/// certificate signed by the first CA.
struct TestPKI {
    let directory: ScratchDirectory
    var caCert: String { directory.file("ca.crt") }
    var serverCert: String { directory.file("server.crt") }
    var serverKey: String { directory.file("server.key") }
    var clientCert: String { directory.file("client.crt") }
    var clientKey: String { directory.file("client.key") }
    var otherCACert: String { directory.file("other-ca.crt") }

    static let config = """
    [req]
    distinguished_name = dn
    prompt = no
    [dn]
    CN = unused
    [v3_ca]
    basicConstraints = critical, CA:TRUE
    keyUsage = critical, keyCertSign, cRLSign
    subjectKeyIdentifier = hash
    [v3_server]
    basicConstraints = CA:FALSE
    keyUsage = critical, digitalSignature, keyEncipherment
    extendedKeyUsage = serverAuth
    subjectAltName = IP:127.0.0.1, DNS:localhost
    authorityKeyIdentifier = keyid
    [v3_client]
    basicConstraints = CA:FALSE
    keyUsage = critical, digitalSignature
    extendedKeyUsage = clientAuth
    authorityKeyIdentifier = keyid

    """

    init() throws {
        directory = try ScratchDirectory("pki")
        let cnf = directory.file("openssl.cnf")
        try Self.config.write(toFile: cnf, atomically: true, encoding: .utf8)
        try makeCA(name: "ca", subject: "/CN=vip-agent test CA", config: cnf)
        try makeCA(name: "other-ca", subject: "/CN=someone else's CA", config: cnf)
        try makeLeaf(name: "server", subject: "/CN=localhost", extensions: "v3_server", config: cnf)
        try makeLeaf(name: "client", subject: "/CN=vip-agent", extensions: "v3_client", config: cnf)
    }

    private func newKeyArguments(_ name: String) -> [String] {
        ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", directory.file("\(name).key")]
    }

    private func makeCA(name: String, subject: String, config: String) throws {
        try mustRun(["openssl", "req", "-x509", "-config", config, "-extensions", "v3_ca"]
            + newKeyArguments(name) + ["-out", directory.file("\(name).crt"), "-days", "2", "-subj", subject])
    }

    private func makeLeaf(name: String, subject: String, extensions: String, config: String) throws {
        let csr = directory.file("\(name).csr")
        try mustRun(["openssl", "req", "-new", "-config", config] + newKeyArguments(name)
            + ["-out", csr, "-subj", subject])
        try mustRun(["openssl", "x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", directory.file("ca.key"),
                     "-CAcreateserial", "-out", directory.file("\(name).crt"), "-days", "2",
                     "-extfile", config, "-extensions", extensions])
    }
}
