import MetricsExport
import XCTest

/// A reload that removes a VIP, a peer or a check removes their series; the others stay.
final class ReloadMetricsTests: XCTestCase {
    func testRemovedVIPPeerAndCheckLoseTheirSeries() {
        let metrics = AgentMetrics()
        for vip in ["api", "web"] {
            metrics.registerVIP(vip, state: "BACKUP", effectivePriority: 100)
            metrics.advertSent(vip: vip)
        }
        metrics.registerPeer("10.0.0.2")
        metrics.registerPeer("10.0.0.3")
        metrics.checkResult(check: "ok", healthy: true, success: true, seconds: 0.01)
        metrics.checkResult(check: "gone", healthy: true, success: true, seconds: 0.01)
        XCTAssertTrue(metrics.render().contains(#"vip="web""#))

        metrics.unregisterVIP("web")
        metrics.unregisterPeer("10.0.0.3")
        metrics.unregisterCheck("gone")
        let text = metrics.render()
        XCTAssertFalse(text.contains(#"vip="web""#), text)
        XCTAssertFalse(text.contains(#"peer="10.0.0.3""#))
        XCTAssertFalse(text.contains(#"vip_agent_check_healthy{check="gone"}"#))
        XCTAssertEqual(sample(text, #"vip_agent_adverts_sent_total{vip="api"}"#), 1)
        XCTAssertEqual(sample(text, #"vip_agent_vip_state{vip="api",state="BACKUP"}"#), 1)
        XCTAssertEqual(sample(text, #"vip_agent_send_errors_total{peer="10.0.0.2"}"#), 0)
        XCTAssertEqual(sample(text, #"vip_agent_check_healthy{check="ok"}"#), 1)

        metrics.registerVIP("web")  // added again: from zero
        XCTAssertEqual(sample(metrics.render(), #"vip_agent_adverts_sent_total{vip="web"}"#), 0)
    }
}
