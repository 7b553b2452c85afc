import ElectionProtocol
import MetricsExport
import XCTest

/// Reads one sample value from Prometheus text, e.g. `sample(text, "vip_agent_adverts_sent_total{vip=\"api\"}")`.
func sample(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

final class AgentMetricsTests: XCTestCase {
    func testStateGaugeIsOneForTheCurrentStateOnly() {
        let metrics = AgentMetrics()
        metrics.setState(vip: "api", state: "BACKUP")
        metrics.transition(vip: "api", to: "MASTER")
        let text = metrics.render()
        XCTAssertEqual(sample(text, #"vip_agent_vip_state{vip="api",state="MASTER"}"#), 1)
        for other in ["INIT", "BACKUP", "FAULT"] {
            XCTAssertEqual(sample(text, "vip_agent_vip_state{vip=\"api\",state=\"\(other)\"}"), 0, other)
        }
        XCTAssertEqual(sample(text, #"vip_agent_transitions_total{vip="api",to="MASTER"}"#), 1)
        XCTAssertTrue(text.contains("# TYPE vip_agent_vip_state gauge"))
        XCTAssertTrue(text.contains("# TYPE vip_agent_transitions_total counter"))
    }

    func testAdvertsCountedInBatchesAddUp() {
        let metrics = AgentMetrics()
        metrics.registerVIP("api")
        metrics.advertSent(vip: "api")
        metrics.advertsCounted(sent: ["api": 5, "web": 0], received: ["api": 7, "web": 3])
        metrics.advertsCounted(sent: ["api": 1], received: [:])
        let text = metrics.render()
        XCTAssertEqual(sample(text, #"vip_agent_adverts_sent_total{vip="api"}"#), 7)
        XCTAssertEqual(sample(text, #"vip_agent_adverts_received_total{vip="api"}"#), 7)
        XCTAssertEqual(sample(text, #"vip_agent_adverts_received_total{vip="web"}"#), 3, "a VIP first seen in a batch")
        XCTAssertEqual(sample(text, #"vip_agent_adverts_sent_total{vip="web"}"#), 0)
    }

    func testCountersMove() {
        let metrics = AgentMetrics()
        metrics.registerVIP("api")
        let before = metrics.render()
        XCTAssertEqual(sample(before, #"vip_agent_adverts_sent_total{vip="api"}"#), 0)
        XCTAssertEqual(sample(before, #"vip_agent_transitions_total{vip="api",to="FAULT"}"#), 0)
        XCTAssertEqual(sample(before, #"vip_agent_vip_state{vip="api",state="INIT"}"#), 1)

        for _ in 0..<3 { metrics.advertSent(vip: "api") }
        metrics.advertReceived(vip: "api")
        metrics.advertReceived(vip: "api")
        metrics.garpSent(vip: "api", count: 5)
        metrics.garpSent(vip: "api", count: -2)  // ignored: counters never go down
        metrics.setEffectivePriority(vip: "api", 140)
        metrics.transition(vip: "api", to: "BACKUP")
        metrics.transition(vip: "api", to: "MASTER")
        metrics.transition(vip: "api", to: "BACKUP")
        let after = metrics.render()
        XCTAssertEqual(sample(after, #"vip_agent_adverts_sent_total{vip="api"}"#), 3)
        XCTAssertEqual(sample(after, #"vip_agent_adverts_received_total{vip="api"}"#), 2)
        XCTAssertEqual(sample(after, #"vip_agent_garps_sent_total{vip="api"}"#), 5)
        XCTAssertEqual(sample(after, #"vip_agent_effective_priority{vip="api"}"#), 140)
        XCTAssertEqual(sample(after, #"vip_agent_transitions_total{vip="api",to="BACKUP"}"#), 2)
        XCTAssertEqual(sample(after, #"vip_agent_transitions_total{vip="api",to="MASTER"}"#), 1)
        XCTAssertEqual(sample(after, #"vip_agent_vip_state{vip="api",state="BACKUP"}"#), 1)
        XCTAssertEqual(sample(after, #"vip_agent_vip_state{vip="api",state="INIT"}"#), 0)
    }

    /// Checked against the election's own reasons and a written-out list, not against
    /// `MetricNames.dropReasons` (which is what is being checked): `own_advert` was missing.
    func testEveryDropReasonIsExportedFromTheStart() {
        let metrics = AgentMetrics()
        let fresh = metrics.render()
        let exported = Set(fresh.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("vip_agent_packets_dropped_total{reason=\""),
                  let end = line.dropFirst(40).firstIndex(of: "\"") else { return nil }
            XCTAssertTrue(line.hasSuffix("} 0"), String(line))
            return String(line.dropFirst(40)[..<end])
        })
        XCTAssertEqual(exported, Set(DropReason.allCases.map(\.rawValue)))
        let written = ["truncated", "oversized", "bad_magic", "bad_version", "auth_failure", "malformed", "replay",
                       "unknown_peer", "unknown_group", "own_advert"]
        XCTAssertTrue(exported.isSuperset(of: written), "missing: \(Set(written).subtracting(exported))")
        for reason in DropReason.allCases {
            XCTAssertEqual(sample(fresh, "vip_agent_packets_dropped_total{reason=\"\(reason.rawValue)\"}"), 0, reason.rawValue)
        }
        metrics.dropped(reason: "auth_failure")
        metrics.dropped(reason: "auth_failure")
        metrics.dropped(reason: "replay")
        let text = metrics.render()
        XCTAssertEqual(sample(text, #"vip_agent_packets_dropped_total{reason="auth_failure"}"#), 2)
        XCTAssertEqual(sample(text, #"vip_agent_packets_dropped_total{reason="replay"}"#), 1)
        XCTAssertEqual(sample(text, #"vip_agent_packets_dropped_total{reason="truncated"}"#), 0)
    }

    func testBuildInfoCarriesTheVersion() {
        let text = AgentMetrics(version: "9.8.7").render()
        XCTAssertEqual(sample(text, #"vip_agent_build_info{version="9.8.7"}"#), 1)
        XCTAssertTrue(text.contains("# TYPE vip_agent_build_info gauge"))
        XCTAssertFalse(AgentMetrics().render().contains("vip_agent_build_info"))
    }

    func testCheckResultsAndDurations() {
        let metrics = AgentMetrics()
        metrics.checkResult(check: "apiserver", healthy: true, success: true, seconds: 0.02)
        metrics.checkResult(check: "apiserver", healthy: true, success: false, seconds: 0.7)
        metrics.checkResult(check: "apiserver", healthy: false, success: false, seconds: .nan)
        let text = metrics.render()
        XCTAssertEqual(sample(text, #"vip_agent_check_healthy{check="apiserver"}"#), 0)
        XCTAssertEqual(sample(text, #"vip_agent_check_runs_total{check="apiserver",result="success"}"#), 1)
        XCTAssertEqual(sample(text, #"vip_agent_check_runs_total{check="apiserver",result="failure"}"#), 2)
        XCTAssertTrue(text.contains("# TYPE vip_agent_check_duration_seconds histogram"))
        // Two finite durations were observed; the NaN was not.
        XCTAssertEqual(sample(text, #"vip_agent_check_duration_seconds_count{check="apiserver"}"#), 2)
        XCTAssertEqual(sample(text, #"vip_agent_check_duration_seconds_bucket{check="apiserver",le="0.025"}"#), 1)
        XCTAssertEqual(sample(text, #"vip_agent_check_duration_seconds_bucket{check="apiserver",le="1.0"}"#), 2)
        XCTAssertEqual(try XCTUnwrap(sample(text, #"vip_agent_check_duration_seconds_sum{check="apiserver"}"#)),
                       0.72, accuracy: 1e-9)
    }

    func testGatewayMetrics() {
        let metrics = AgentMetrics()
        XCTAssertNil(sample(metrics.render(), "vip_agent_gateway_nb_connected"), "absent until the gateway is used")
        metrics.setGatewayConnected(true)
        metrics.gatewayWrite(success: true)
        metrics.gatewayWrite(success: false)
        metrics.gatewayWrite(success: true)
        var text = metrics.render()
        XCTAssertEqual(sample(text, "vip_agent_gateway_nb_connected"), 1)
        XCTAssertEqual(sample(text, #"vip_agent_gateway_writes_total{result="success"}"#), 2)
        XCTAssertEqual(sample(text, #"vip_agent_gateway_writes_total{result="failure"}"#), 1)
        metrics.setGatewayConnected(false)
        text = metrics.render()
        XCTAssertEqual(sample(text, "vip_agent_gateway_nb_connected"), 0)
    }

    func testHostileLabelValuesAreEscapedNotFatal() {
        let metrics = AgentMetrics()
        metrics.advertSent(vip: "a\"b\\c\nd")
        let text = metrics.render()
        XCTAssertTrue(text.contains(#"vip_agent_adverts_sent_total{vip="a\"b\\c\nd"} 1"#), text)
    }

    func testConcurrentUpdatesAreAllCounted() async {
        let metrics = AgentMetrics()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<500 { metrics.advertReceived(vip: "api") } }
            }
        }
        XCTAssertEqual(sample(metrics.render(), #"vip_agent_adverts_received_total{vip="api"}"#), 4000)
    }
}
