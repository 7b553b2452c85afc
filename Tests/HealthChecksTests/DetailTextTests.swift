@testable import HealthChecks
import BasicTypes
import XCTest

/// The pure helpers that turn raw answers into the one-line details operators read.
final class DetailTextTests: XCTestCase {
    func testFirstLineSkipsBlankLinesTrimsAndCuts() {
        XCTAssertEqual(OutputText.firstLine(Array("\n\r\n   [-]etcd failed  \nnext".utf8)), "[-]etcd failed")
        XCTAssertEqual(OutputText.firstLine(Array("".utf8)), "")
        XCTAssertEqual(OutputText.firstLine(String(repeating: "x", count: 500), limit: 10), "xxxxxxxxxx")
        XCTAssertEqual(OutputText.firstLine([0xff, 0xfe, 0x41]), "\u{FFFD}\u{FFFD}A", "invalid UTF-8 must not crash")
    }

    func testJoined() {
        XCTAssertEqual(OutputText.joined("exit 1", ""), "exit 1")
        XCTAssertEqual(OutputText.joined("exit 1", "boom"), "exit 1: boom")
    }

    func testHTTPVerdicts() {
        XCTAssertTrue(HTTPSVerdict.judge(status: 200, reason: "OK", body: Array("ok".utf8)) == (true, "200 OK"))
        XCTAssertTrue(HTTPSVerdict.judge(status: 204, reason: "", body: []) == (true, "204"))
        XCTAssertTrue(HTTPSVerdict.judge(status: 302, reason: "Found", body: []) == (false, "HTTP 302"))
        XCTAssertTrue(HTTPSVerdict.judge(status: 503, reason: "Service Unavailable",
                                         body: Array("not ready\nmore".utf8)) == (false, "HTTP 503: not ready"))
    }

    func testExecVerdicts() {
        let timeout: Duration = .milliseconds(500)
        XCTAssertTrue(ExecProbe.judge(.exited(code: 0, output: []), command: ["x"], timeout: timeout) == (true, "exit 0"))
        XCTAssertTrue(ExecProbe.judge(.exited(code: 2, output: Array("bad\n".utf8)), command: ["x"], timeout: timeout)
                      == (false, "exit 2: bad"))
        XCTAssertTrue(ExecProbe.judge(.signalled(signal: 15, output: []), command: ["x"], timeout: timeout)
                      == (false, "killed by signal 15"))
        XCTAssertTrue(ExecProbe.judge(.killedAtDeadline(output: Array("partial".utf8)), command: ["x"], timeout: timeout)
                      == (false, "killed after 500ms"))
        XCTAssertTrue(ExecProbe.judge(.spawnFailed(errno: ENOENT), command: ["/x/y"], timeout: timeout)
                      == (false, "cannot run /x/y: No such file or directory"))
    }

    func testDurationTexts() {
        // One formatter for every duration an operator reads (BasicTypes.formatDuration).
        XCTAssertEqual(formatDuration(.milliseconds(500)), "500ms")
        XCTAssertEqual(formatDuration(.seconds(2)), "2s")
        XCTAssertEqual(formatDuration(.milliseconds(1500)), "1.5s")
        XCTAssertEqual(Duration.seconds(-1).wholeMilliseconds, 0)
        XCTAssertEqual(Duration.seconds(Int64.max).nanoseconds, Int64.max, "saturates")
        XCTAssertEqual(Duration.seconds(Int64.max).wholeMilliseconds, Int64.max / 1_000_000)
        XCTAssertEqual(Duration.seconds(-5).timeAmount.nanoseconds, 0)
        XCTAssertEqual(Duration.milliseconds(250).timeAmount.nanoseconds, 250_000_000)
    }

    func testErrnoAndBoringSSLTexts() {
        XCTAssertEqual(ErrorText.errnoText(ECONNREFUSED), "connection refused")
        XCTAssertEqual(ErrorText.errnoText(EHOSTUNREACH), "host unreachable")
        XCTAssertNil(ErrorText.errnoText(EPERM))
        let stack = "sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED])"
        XCTAssertEqual(ErrorText.boringReason(stack), "certificate verify failed")
        XCTAssertEqual(ErrorText.boringReason("something else"), "something else")
    }

    func testOutputCollectorKeepsOnlyTheLimit() {
        var collector = OutputCollector(limit: 5)
        collector.append(ArraySlice(Array("abc".utf8)))
        collector.append(ArraySlice(Array("defgh".utf8)))
        XCTAssertEqual(String(decoding: collector.bytes, as: UTF8.self), "abcde")
        var none = OutputCollector(limit: -3)
        none.append(ArraySlice(Array("abc".utf8)))
        XCTAssertEqual(none.bytes, [])
    }

    func testARPTexts() {
        XCTAssertEqual(ARPText.ipv4([10, 4, 19, 1]), "10.4.19.1")
        XCTAssertEqual(ARPText.mac([0x02, 0, 0xab, 0x0c, 0xff, 1]), "02:00:ab:0c:ff:01")
    }

    func testBadARPSpecsAreRefused() {
        XCTAssertThrowsError(try ARPCheckProbe(target: [10, 0, 0], interface: "eth0")) {
            XCTAssertEqual("\($0)", "arp.target must be an IPv4 address, got 3 bytes")
        }
        XCTAssertThrowsError(try ARPCheckProbe(target: [10, 0, 0, 1], interface: "")) {
            XCTAssertEqual("\($0)", "arp.interface is empty")
        }
    }
}
