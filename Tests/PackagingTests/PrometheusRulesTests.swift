import Foundation
import XCTest

/// packaging/prometheus: the alert rules load, their unit tests pass under `promtool test rules`
/// (Debian `prometheus`; scripts/test installs it), and they only name metrics the agent exports.
final class PrometheusRulesTests: XCTestCase {
    private let directory = "packaging/prometheus"

    private func promtool() throws -> String {
        guard ExternalTool.exists("promtool") else {
            throw AnalyzeError("promtool is not installed (apt-get install prometheus; scripts/test does)")
        }
        return "promtool"
    }

    func testRulesLoad() throws {
        let result = try ExternalTool.run([try promtool(), "check", "rules",
                                           RepositoryFiles.url("\(directory)/vip-agent-rules.yaml").path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("SUCCESS: 7 rules found"), result.output)
    }

    func testRuleUnitTestsPass() throws {
        let result = try ExternalTool.run([try promtool(), "test", "rules",
                                           RepositoryFiles.url("\(directory)/vip-agent-rules.test.yaml").path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("SUCCESS"), result.output)
    }

    /// The unit tests are worth something only if a wrong rule fails them.
    func testRuleUnitTestsCatchAWrongThreshold() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vip-agent-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let rules = try RepositoryFiles.text("\(directory)/vip-agent-rules.yaml")
        let broken = rules.replacingOccurrences(of: #"sum by (vip) (vip_agent_vip_state{state="MASTER"}) > 1"#,
                                                with: #"sum by (vip) (vip_agent_vip_state{state="MASTER"}) > 2"#)
        XCTAssertNotEqual(broken, rules)
        try broken.write(to: scratch.appendingPathComponent("vip-agent-rules.yaml"), atomically: true, encoding: .utf8)
        try RepositoryFiles.text("\(directory)/vip-agent-rules.test.yaml")
            .write(to: scratch.appendingPathComponent("vip-agent-rules.test.yaml"), atomically: true, encoding: .utf8)
        let result = try ExternalTool.run([try promtool(), "test", "rules",
                                           scratch.appendingPathComponent("vip-agent-rules.test.yaml").path])
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("VIPAgentMultipleMasters"), result.output)
    }

    func testEveryAlertTheIssueAsksForAndOnlyExportedMetrics() throws {
        let rules = try RepositoryFiles.text("\(directory)/vip-agent-rules.yaml")
        for alert in ["VIPAgentNoMaster", "VIPAgentMultipleMasters", "VIPAgentFlapping", "VIPAgentAuthFailures",
                      "VIPAgentCheckFailing", "VIPAgentNBDisconnected", "VIPAgentAddressConflict"] {
            XCTAssertTrue(rules.contains("- alert: \(alert)\n"), "no \(alert) rule")
        }
        try assertOnlyExportedMetrics(in: rules, file: "vip-agent-rules.yaml")
    }

    func testDashboardIsJSONAndUsesOnlyExportedMetrics() throws {
        let text = try RepositoryFiles.text("\(directory)/vip-agent-dashboard.json")
        let dashboard = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let panels = try XCTUnwrap(dashboard["panels"] as? [[String: Any]])
        let titles = panels.compactMap { $0["title"] as? String }
        for wanted in ["State per node", "Transitions", "Adverts", "Dropped packets", "Check latency"] {
            XCTAssertTrue(titles.contains { $0.hasPrefix(wanted) }, "no panel \(wanted): \(titles)")
        }
        XCTAssertTrue(panels.contains { $0["type"] as? String == "state-timeline" })
        try assertOnlyExportedMetrics(in: text, file: "vip-agent-dashboard.json")
    }

    /// Every `vip_agent_*` name is one MetricsExport declares (counters with `_total`, the
    /// histogram with its `_bucket`/`_sum`/`_count` series).
    private func assertOnlyExportedMetrics(in text: String, file: String) throws {
        let declared = try RepositoryFiles.text("Sources/MetricsExport/MetricNames.swift")
        let regex = try NSRegularExpression(pattern: #"vip_agent_[a-z_]+"#)
        let names = Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
            .compactMap { Range($0.range, in: text).map { String(text[$0]) } })
        XCTAssertFalse(names.isEmpty)
        for name in names {
            var base = String(name.dropFirst("vip_agent_".count))
            for suffix in ["_bucket", "_sum", "_count"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
            let (metric, unit): (String, String)
            if base.hasSuffix("_total") { (metric, unit) = (String(base.dropLast(6)), "total") }
            else if base.hasSuffix("_seconds") { (metric, unit) = (String(base.dropLast(8)), "seconds") }
            else { (metric, unit) = (base, "") }
            XCTAssertTrue(declared.contains("descriptor(\"\(metric)\", unit: \"\(unit)\""),
                          "\(file) uses \(name), which MetricsExport does not export")
        }
    }
}
