import Foundation

/// A stand-in for each master's kube-apiserver: an HTTPS server on 127.0.0.1:6443 inside the
/// master's namespace answering `/readyz`, with a certificate made at test time. What it answers
/// is steered through a file per master: `ok` (200), `fail` (500 with a reason on the first
/// line), `hang` (never answers), `slow <seconds>` (200 that late, each logged as `slow`);
/// killing it gives "connection refused".
struct APIServerStandIn {
    let lab: Lab
    var caFile: String { lab.dir.appendingPathComponent("pki/ca.crt").path }

    static let server = """
        import http.server, os, socketserver, ssl, sys, time
        mode_file, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                mode = open(mode_file).read().strip() if os.path.exists(mode_file) else "ok"
                if mode == "hang":
                    time.sleep(3600)
                if mode.startswith("slow "):
                    time.sleep(float(mode.split()[1]))
                    print("slow", flush=True)
                    mode = "ok"
                code, body = (200, b"ok\\n") if mode == "ok" else (500, b"[-]etcd failed: reason withheld\\nreadyz check failed\\n")
                self.send_response(code)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True
        server = Server(("127.0.0.1", 6443), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print("serving", flush=True)
        server.serve_forever()
        """

    /// A CA and a server certificate for 127.0.0.1, made with the openssl CLI.
    init(lab: Lab) throws {
        self.lab = lab
        let pki = lab.dir.appendingPathComponent("pki").path
        try lab.run("""
            mkdir -p \(pki) && cd \(pki) && \
            printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\nsubjectAltName=IP:127.0.0.1\\n' > server.ext && \
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
                -days 2 -subj '/CN=lab apiserver CA' 2>/dev/null && \
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
                -subj '/CN=kube-apiserver' 2>/dev/null && \
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \
                -extfile server.ext 2>/dev/null
            """)
        try Data(Self.server.utf8).write(to: lab.dir.appendingPathComponent("readyz.py"))
    }

    func modeFile(_ i: Int) -> URL { lab.dir.appendingPathComponent("readyz-m\(i)") }

    /// `ok`, `fail`, `hang` or `slow <seconds>`.
    func set(_ i: Int, _ mode: String) throws {
        try Data(mode.utf8).write(to: modeFile(i))
    }

    /// Starts the server on m<i> and waits until it accepts connections.
    @discardableResult
    func start(_ i: Int) throws -> Process {
        let pki = lab.dir.appendingPathComponent("pki").path
        let p = try lab.helper(in: "m\(i)", ["python3", lab.dir.appendingPathComponent("readyz.py").path,
                                             modeFile(i).path, "\(pki)/server.crt", "\(pki)/server.key"],
                               log: "readyz-m\(i).log")
        let listening = waitFor(10) { lab.ns("m\(i)", "ss -ltn").output.contains("127.0.0.1:6443") }
        if listening == nil { throw LabError("the /readyz stand-in on m\(i) did not start") }
        return p
    }

    /// The health-check configuration every master uses.
    func checkConfiguration(interval: String, timeout: String, rise: Int, fall: Int) -> String {
        """
        healthChecks:
          - name: apiserver
            https: { url: "https://127.0.0.1:6443/readyz", caFile: \(caFile) }
            interval: \(interval)
            timeout: \(timeout)
            rise: \(rise)
            fall: \(fall)
        """
    }
}
