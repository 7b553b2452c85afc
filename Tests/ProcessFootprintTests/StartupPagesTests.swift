@testable import ProcessFootprint
#if canImport(Glibc)
import Glibc
#endif
import XCTest

final class StartupPagesTests: XCTestCase {
    func testOnlyReadOnlyFileMappingsAreCandidates() {
        let code = ReadOnlyFileMapping(mapsLine: "00400000-02816000 r-xp 00000000 fe:00 1234 /usr/bin/vip-agent\n")
        XCTAssertEqual(code, ReadOnlyFileMapping(mapsLine: "00400000-02816000 r-xp 00000000 fe:00 1234 /usr/bin/vip-agent"))
        XCTAssertEqual(code?.start, 0x400000)
        XCTAssertEqual(code?.length, 0x2816000 - 0x400000)
        XCTAssertEqual(code?.executable, true)
        XCTAssertEqual(code?.path, "/usr/bin/vip-agent")
        let data = ReadOnlyFileMapping(mapsLine: "00200000-00400000 r--p 00000000 fe:00 1234 /opt/my agent/vip-agent (deleted)\n")
        XCTAssertEqual(data?.length, 0x200000)
        XCTAssertEqual(data?.executable, false)
        XCTAssertEqual(data?.path, "/opt/my agent/vip-agent (deleted)")
        for line in [
            "02930000-02a00000 rw-p 0252f000 fe:00 1234 /usr/bin/vip-agent",   // data
            "7f00000000-7f00001000 rwxp 00000000 fe:00 99 /tmp/jit",            // writable code
            "7f00000000-7f00001000 ---p 00000000 fe:00 99 /usr/lib/libc.so.6",  // a guard gap
            "7f00000000-7f00021000 r-xp 00000000 00:00 0 ",                      // anonymous
            "7ffd0000-7ffd2000 r-xp 00000000 00:00 0 [vdso]",
            "garbage",
            "",
        ] {
            XCTAssertNil(ReadOnlyFileMapping(mapsLine: line), line)
        }
    }

    /// From `smaps`: the code and read-only data of the files mapped with code, when no page was
    /// ever copied (`Anonymous:` and `Swap:` 0 kB); relocated data made read-only (RELRO: r--p,
    /// its pages copied on write, in memory or swapped out), writable mappings, files mapped
    /// without code and a mapping whose counts are missing stay.
    func testOnlyMappingsWithoutCopiedPagesAreReleased() {
        let smaps = """
            00200000-00400000 r--p 00000000 fe:00 1234 /usr/bin/vip-agent
            Size:               2048 kB
            Rss:                1400 kB
            Anonymous:             0 kB
            Swap:                  0 kB
            VmFlags: rd mr mw me sd
            00400000-02816000 r-xp 00200000 fe:00 1234 /usr/bin/vip-agent
            Size:              36952 kB
            Anonymous:             0 kB
            Swap:                  0 kB
            02816000-02930000 r--p 02615000 fe:00 1234 /usr/bin/vip-agent
            Size:               1128 kB
            Anonymous:          1040 kB
            Swap:                  0 kB
            02930000-02931000 r--p 0272e000 fe:00 1234 /usr/bin/vip-agent
            Anonymous:             0 kB
            Swap:                  4 kB
            02931000-02a00000 rw-p 0272f000 fe:00 1234 /usr/bin/vip-agent
            Anonymous:          1500 kB
            Swap:                  0 kB
            7f0000000000-7f0000100000 r-xp 00000000 fe:00 77 /usr/lib/x86_64-linux-gnu/libc.so.6
            Anonymous:             4 kB
            Swap:                  0 kB
            7f0000100000-7f0000180000 r-xp 00100000 fe:00 79 /usr/lib/x86_64-linux-gnu/libm.so.6
            Anonymous:             0 kB
            Swap:                  0 kB
            7f0000180000-7f00001a0000 r--p 00180000 fe:00 79 /usr/lib/x86_64-linux-gnu/libm.so.6
            Anonymous:             0 kB
            Swap:                  0 kB
            7f0000200000-7f0000300000 r--p 00000000 fe:00 78 /usr/lib/locale/C.utf8/LC_CTYPE
            Anonymous:             0 kB
            Swap:                  0 kB
            7f0000300000-7f0000400000 r-xp 00000000 fe:00 80 /usr/lib/x86_64-linux-gnu/libz.so.1
            Anonymous:             0 kB
            7ffd0000-7ffd2000 r-xp 00000000 00:00 0 [vdso]
            Anonymous:             0 kB
            Swap:                  0 kB
            """
        var scan = SmapsScan()
        for line in smaps.split(separator: "\n") { scan.feed(String(line) + "\n") }
        let released = scan.finish()
        XCTAssertEqual(released.map(\.start), [0x200000, 0x400000, 0x7f0000100000, 0x7f0000180000])
        XCTAssertEqual(released.map(\.length), [0x200000, 0x2816000 - 0x400000, 0x80000, 0x20000])
    }

    /// In this very process: a private file mapping written to and then made read-only (as the
    /// loader does with RELRO) keeps what was written through a release.
    func testWrittenReadOnlyPagesSurviveARelease() throws {
        let path = "/proc/self/exe"
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw XCTSkip("\(path) is not readable") }
        defer { close(fd) }
        let size = 4096
        guard let page = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), page != MAP_FAILED else {
            throw XCTSkip("cannot map \(path)")
        }
        defer { munmap(page, size) }
        let bytes = page.assumingMemoryBound(to: UInt8.self)
        let original = bytes[0]
        bytes[0] = original &+ 1
        XCTAssertEqual(mprotect(page, size, PROT_READ), 0)
        StartupPages.release()
        XCTAssertEqual(bytes[0], original &+ 1, "the copied page was dropped: the file's byte came back")
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
        XCTAssertGreaterThan(released, 0, "the test binary has read-only file mappings")
        let after = try XCTUnwrap(residentKiB())
        XCTAssertLessThan(after, before, "code pages left the resident set (\(before) → \(after) KiB)")
        // Code runs on after the release: a computation through freshly faulted pages.
        XCTAssertEqual((1...1000).reduce(0, +), 500_500)
        XCTAssertEqual(String(describing: [1, 2, 3].map { $0 * 2 }), "[2, 4, 6]")
    }
}
