import Foundation
import XCTest

/// scripts/lib/hot-code-order.py, which ranks callgrind's functions into the link order of
/// scripts/build-release: callgrind's name compression, the call lines, the tiers.
final class HotCodeOrderTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        guard ExternalTool.exists("python3") else { throw XCTSkip("python3 is not installed") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("hot-code-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func order(_ arguments: [String]) throws -> [String] {
        let result = try ExternalTool.run(["python3", RepositoryFiles.url("scripts/lib/hot-code-order.py").path] + arguments)
        XCTAssertEqual(result.status, 0, result.output)
        return result.output.split(separator: "\n").map(String.init)
    }

    /// A steady dump: names given once and then by number, a callee's name defined on a `cfn=`
    /// line, the inclusive cost after `calls=` not counted as the caller's own, another object's
    /// functions left out, a recursion suffix ('2) folded, an address-only name dropped.
    private let steady = """
        # callgrind format
        events: Ir
        ob=(1) /tmp/x/bin/vip-agent
        fl=(1) ???
        fn=(1) hot_small
        0 50
        cob=(2) /usr/lib/x86_64-linux-gnu/libc.so.6
        cfn=(2) memcpy
        calls=10 0
        0 100000
        cfn=(3) $s4Node6handleyyF
        calls=5 0
        0 900
        fn=(3)
        0 400
        fn=(4) hot_small'2
        0 5
        fn=(5) mono_hot
        0 300
        fn=(6) 0x0000000000401000
        0 999
        ob=(2)
        fn=(2)
        0 100000
        ob=(1)
        fn=(7) never_run
        0 0
        """

    private let warmUp = """
        # callgrind format
        events: Ir
        ob=(1) /tmp/x/bin/vip-agent
        fn=(1) start_only
        0 700
        fn=(2) $s4Node6handleyyF
        0 9000
        fn=(3) mono_start
        0 10
        """

    func testTiersRankOwnSectionsBeforeMonolithicOnesAndCountSelfCostOnly() throws {
        let monolithic = try write("monolithic", "mono_hot\nmono_start\n")
        let result = try order(["vip-agent", monolithic,
                                try write("steady.1", steady), "--", try write("warm-up.1", warmUp)])
        // Steady tier: $s4Node6handleyyF (400: its call from hot_small is the caller's inclusive
        // cost, not its own) before hot_small (50 + 5), then the monolithic mono_hot; the
        // warm-up tier: only what the steady one lacks.
        XCTAssertEqual(result, ["$s4Node6handleyyF", "hot_small", "mono_hot", "start_only", "mono_start"])
    }

    func testAnotherObjectNameGivesItsFunctions() throws {
        let monolithic = try write("monolithic", "")
        XCTAssertEqual(try order(["libc.so.6", monolithic, try write("steady.2", steady)]), ["memcpy"])
    }
}
