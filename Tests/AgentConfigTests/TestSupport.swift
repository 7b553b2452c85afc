import AgentConfig
import XCTest

/// Files the tests pretend exist; anything else "does not exist".
let fakeFiles: [String: String] = [
    "/etc/vip-agent/auth.key": "0123456789abcdef0123456789abcdef\n",
    "/etc/vip-agent/short.key": "tooshort\n",
    "/etc/vip-agent/empty.key": " \n\n",
    "/etc/vip-agent/ca.crt": "-----BEGIN CERTIFICATE-----\n",
    "/etc/vip-agent/ovn-ca.crt": "ca", "/etc/vip-agent/ovn.crt": "cert", "/etc/vip-agent/ovn.key": "key",
]

func fakeReader(_ path: String) throws -> [UInt8] {
    guard let text = fakeFiles[path] else {
        throw FileReadError(path: path, reason: "No such file or directory")
    }
    return Array(text.utf8)
}

/// A valid configuration with only the required keys.
let minimalYAML = """
cluster:
  authKeyFile: /etc/vip-agent/auth.key
vips:
  - name: api
    address: 10.77.0.100/24
"""

func parseYAML(_ yaml: String, host: String = "m1") -> Result<Configuration, ConfigProblems> {
    ConfigLoader.parse(yaml: yaml, readFile: fakeReader, hostName: host)
}

/// The configuration, failing the test (with every problem) if there were problems.
func expectValid(_ yaml: String, host: String = "m1",
                 file: StaticString = #filePath, line: UInt = #line) -> Configuration? {
    switch parseYAML(yaml, host: host) {
    case .success(let configuration):
        return configuration
    case .failure(let problems):
        XCTFail("unexpected problems:\n\(problems)", file: file, line: line)
        return nil
    }
}

/// The problems, failing the test if the configuration was accepted.
func expectProblems(_ yaml: String, host: String = "m1",
                    file: StaticString = #filePath, line: UInt = #line) -> [ConfigProblem] {
    switch parseYAML(yaml, host: host) {
    case .success:
        XCTFail("configuration was accepted", file: file, line: line)
        return []
    case .failure(let problems):
        return problems.problems
    }
}

/// Asserts exactly one problem, at `keyPath`, whose message contains `fragment`.
func expectSingleProblem(_ yaml: String, at keyPath: String, containing fragment: String,
                         file: StaticString = #filePath, line: UInt = #line) {
    let problems = expectProblems(yaml, file: file, line: line)
    guard problems.count == 1, let problem = problems.first else {
        XCTFail("expected one problem at \(keyPath), got \(problems.count):\n"
                + problems.map(\.description).joined(separator: "\n"), file: file, line: line)
        return
    }
    XCTAssertEqual(problem.keyPath, keyPath, "\(problem)", file: file, line: line)
    XCTAssertTrue(problem.message.contains(fragment),
                  "\"\(problem.message)\" does not contain \"\(fragment)\"", file: file, line: line)
}

/// `minimalYAML` with one VIP whose extra lines are `vipLines` (indented by the caller's 4 spaces).
func vipYAML(_ vipLines: String) -> String {
    """
    cluster:
      authKeyFile: /etc/vip-agent/auth.key
    vips:
      - name: api
        address: 10.77.0.100/24
    \(vipLines.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
    """
}

/// `minimalYAML` plus a `healthChecks:` list given as indented lines.
func checkYAML(_ checkLines: String, vipChecks: String = "[]") -> String {
    """
    cluster:
      authKeyFile: /etc/vip-agent/auth.key
    vips:
      - name: api
        address: 10.77.0.100/24
        checks: \(vipChecks)
    healthChecks:
    \(checkLines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    """
}
