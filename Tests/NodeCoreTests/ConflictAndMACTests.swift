import AgentConfig
import BasicTypes
import ElectionProtocol
import HostModel
import NodeCore
import XCTest

/// One node alone (no peers): it becomes MASTER, announces again when its interface's MAC
/// changes, and goes FAULT while another host answers for the VIP, without announcing against it.
final class ConflictAndMACTests: XCTestCase {
    private let own = IPAddress("10.0.0.1")!
    private let vip = IPAddress("10.0.0.100")!
    private var core: NodeCore!
    private var now = Instant(nanoseconds: 1_000_000_000)
    private var timer: Instant?

    /// The host as netlink reports it; `vip`: with the VIP the node added (/32).
    private func host(mac: [UInt8], vip holding: Bool = false) -> HostSnapshot {
        HostSnapshot(links: [LinkInfo(index: 2, name: "eth0", kind: "veth", mac: mac)],
                     addresses: [InterfaceAddress(interfaceIndex: 2, interfaceName: "eth0", address: own, prefixLength: 24)]
                        + (holding ? [InterfaceAddress(interfaceIndex: 2, interfaceName: "eth0", address: vip, prefixLength: 32)] : []))
    }

    override func setUp() {
        let config = VIPConfig(name: "api", address: vip, prefixLength: 24, interface: "eth0", routerId: 51,
                               priority: 150, advertInterval: .milliseconds(100))
        let configuration = Configuration(
            node: "n1", cluster: ClusterConfig(bind: own, peers: [], authKey: [UInt8](repeating: 7, count: 32)),
            vips: [config], startupGrace: .zero,
            announce: AnnounceConfig(garpCount: 2, garpInterval: .milliseconds(50), refreshInterval: .seconds(0)))
        core = NodeCore(settings: NodeSettings(configuration: configuration,
                                               identity: NodeIdentity(name: "n1", address: NodeAddress(own)), epoch: 1))
    }

    @discardableResult
    private func feed(_ event: NodeEvent) -> [NodeEffect] {
        let effects = core.handle(event, at: now)
        for case .armTimer(let at) in effects { timer = at }
        return effects
    }

    /// Fires the timer until `ms` milliseconds have passed; returns every effect.
    private func run(ms: Int64) -> [NodeEffect] {
        let end = now + ms * 1_000_000
        var all: [NodeEffect] = []
        while let t = timer, t <= end {
            timer = nil
            now = t
            all += feed(.timer)
        }
        now = end
        return all
    }

    private func announces(_ effects: [NodeEffect]) -> Int {
        effects.filter { if case .announce = $0 { true } else { false } }.count
    }

    private func becomeMaster() {
        feed(.start(host(mac: [2, 0, 0, 0, 0, 1])))
        _ = run(ms: 2_000)
        XCTAssertEqual(core.vips[0].election.state, .master)
        XCTAssertEqual(core.vips[0].placedOn, "eth0")
    }

    func testAChangedMACIsAnnouncedAgain() {
        becomeMaster()
        XCTAssertEqual(announces(run(ms: 1_000)), 0, "no refresh configured: quiet once the burst is over")
        XCTAssertEqual(announces(feed(.host(host(mac: [2, 0, 0, 0, 0, 1], vip: true))) + run(ms: 500)), 0, "same MAC: nothing")
        let changed = feed(.host(host(mac: [2, 0, 0, 0, 0, 0x42], vip: true))) + run(ms: 500)
        XCTAssertEqual(announces(changed), 2, "a new burst (garpCount 2) after the MAC changed: \(changed)")
        XCTAssertTrue(changed.contains { if case .log(_, let text, _) = $0 { text.contains("changed from 02:00:00:00:00:01 to 02:00:00:00:00:42") } else { false } })
        XCTAssertEqual(announces(feed(.host(host(mac: [2, 0, 0, 0, 0, 0x42], vip: true))) + run(ms: 500)), 0, "same MAC again: nothing")
    }

    func testAConflictFaultsTheGroupUntilItEnds() {
        becomeMaster()
        let began = feed(.addressConflict(vip: "api", owner: "02:00:00:00:00:99")) + run(ms: 1_000)
        XCTAssertEqual(core.vips[0].election.state, .fault)
        XCTAssertFalse(core.vips[0].holding)
        XCTAssertTrue(began.contains { if case .transition(_, .master, .fault, let reason) = $0 {
            reason.contains("address conflict: 10.0.0.100 is answered by 02:00:00:00:00:99") } else { false } }, "\(began)")
        XCTAssertTrue(began.contains { if case .place(_, _, let steps) = $0 { steps == [.remove(interface: "eth0")] } else { false } })
        XCTAssertEqual(announces(began), 0, "no announcement against the other host")
        XCTAssertTrue(feed(.addressConflict(vip: "api", owner: "02:00:00:00:00:99")).isEmpty, "the same conflict again: nothing")
        let ended = feed(.addressConflict(vip: "api", owner: nil)) + run(ms: 2_000)
        XCTAssertEqual(core.vips[0].election.state, .master, "\(ended)")
        XCTAssertTrue(core.vips[0].holding)
        XCTAssertGreaterThan(announces(ended), 0)
    }
}
