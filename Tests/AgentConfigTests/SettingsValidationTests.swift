import AgentConfig
import XCTest

final class SettingsValidationTests: XCTestCase {
    func testGarpCountRange() {
        expectSingleProblem(minimalYAML + "\nannounce: { garpCount: 101 }", at: "announce.garpCount", containing: "allowed 0..100")
        expectSingleProblem(minimalYAML + "\nannounce: { garpCount: -1 }", at: "announce.garpCount", containing: "allowed 0..100")
        XCTAssertEqual(expectValid(minimalYAML + "\nannounce: { garpCount: 0 }")?.announce.garpCount, 0)
        XCTAssertEqual(expectValid(minimalYAML + "\nannounce: { garpCount: 100 }")?.announce.garpCount, 100)
    }

    func testAnnounceIntervals() {
        expectSingleProblem(minimalYAML + "\nannounce: { garpInterval: 0s }", at: "announce.garpInterval", containing: "out of range")
        expectSingleProblem(minimalYAML + "\nannounce: { refreshInterval: 10ms }", at: "announce.refreshInterval",
                            containing: "use 0s (off) or at least 1s")
    }

    func testMetricsHostPort() {
        expectSingleProblem(minimalYAML + "\nstatus: { metrics: \"9450\" }", at: "status.metrics", containing: "is not host:port")
        expectSingleProblem(minimalYAML + "\nstatus: { metrics: \"localhost\" }", at: "status.metrics", containing: "is not host:port")
        expectSingleProblem(minimalYAML + "\nstatus: { metrics: \"::1:9450\" }", at: "status.metrics", containing: "is not host:port")
        let config = expectValid(minimalYAML + "\nstatus: { metrics: \"[::1]:9450\" }")
        XCTAssertEqual(config?.status.metrics, "[::1]:9450")
        XCTAssertEqual(config?.status.metricsEndpoint, HostPort(host: "::1", port: 9450))
    }

    func testSocketPath() {
        expectSingleProblem(minimalYAML + "\nstatus: { socket: run/x.sock }", at: "status.socket", containing: "not an absolute path")
        let long = "/" + String(repeating: "s", count: 110)
        expectSingleProblem(minimalYAML + "\nstatus: { socket: \(long) }", at: "status.socket", containing: "allows 103")
        let justTooLong = "/" + String(repeating: "s", count: 103)   // 104 bytes: fits sun_path, not with ".new"
        expectSingleProblem(minimalYAML + "\nstatus: { socket: \(justTooLong) }", at: "status.socket", containing: "allows 103")
        XCTAssertNotNil(expectValid(minimalYAML + "\nstatus: { socket: /\(String(repeating: "s", count: 102)) }"))
        XCTAssertEqual(expectValid(minimalYAML + "\nstatus: { socket: /tmp/v.sock, socketGroup: vipctl }")?.status,
                       StatusConfig(socket: "/tmp/v.sock", socketGroup: "vipctl", metrics: "127.0.0.1:9450"))
    }

    func testSocketGroup() {
        expectSingleProblem(minimalYAML + "\nstatus: { socketGroup: \"\" }", at: "status.socketGroup", containing: "not a group name")
    }
}
