@testable import ProcessFootprint
import XCTest

final class StartupPagesTests: XCTestCase {
    func testOnlyExecutableFileMappingsAreCode() {
        let code = CodeMapping(mapsLine: "00400000-02816000 r-xp 00000000 fe:00 1234 /usr/bin/vip-agent\n")
        XCTAssertEqual(code, CodeMapping(mapsLine: "00400000-02816000 r-xp 00000000 fe:00 1234 /usr/bin/vip-agent"))
        XCTAssertEqual(code?.start, 0x400000)
        XCTAssertEqual(code?.length, 0x2816000 - 0x400000)
        for line in [
            "02816000-02930000 r--p 02415000 fe:00 1234 /usr/bin/vip-agent",   // relocated data (RELRO)
            "02930000-02a00000 rw-p 0252f000 fe:00 1234 /usr/bin/vip-agent",   // data
            "7f00000000-7f00001000 rwxp 00000000 fe:00 99 /tmp/jit",            // writable code
            "7f00000000-7f00021000 r-xp 00000000 00:00 0 ",                      // anonymous
            "7ffd0000-7ffd2000 r-xp 00000000 00:00 0 [vdso]",
            "garbage",
            "",
        ] {
            XCTAssertNil(CodeMapping(mapsLine: line), line)
        }
    }

    /// In this very process: the test binary's code is released and runs on (refaulted), and
    /// its resident set does not grow from it.
    func testReleasingKeepsTheProcessRunning() throws {
        func residentKiB() -> Int? {
            guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
            let line = text.split(separator: "\n").first { $0.hasPrefix("RssFile:") }
            return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }
        }
        guard let before = residentKiB() else { throw XCTSkip("/proc/self/status is not readable") }
        let released = StartupPages.release()
        XCTAssertGreaterThan(released, 0, "the test binary has executable mappings")
        let after = try XCTUnwrap(residentKiB())
        XCTAssertLessThan(after, before, "code pages left the resident set (\(before) → \(after) KiB)")
        // Code runs on after the release: a computation through freshly faulted pages.
        XCTAssertEqual((1...1000).reduce(0, +), 500_500)
        XCTAssertEqual(String(describing: [1, 2, 3].map { $0 * 2 }), "[2, 4, 6]")
    }
}
