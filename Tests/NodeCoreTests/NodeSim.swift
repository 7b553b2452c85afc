import AgentConfig
import BasicTypes
import ElectionProtocol
import HostModel
import NodeCore
import TestSupport

let ms: Int64 = 1_000_000

/// A simulated cluster of whole nodes: each runs the real `NodeCore` against a simulated host
/// (links, addresses, carrier, a netlink that can refuse) and a simulated network (loss, delay,
/// reordering, partitions), on one simulated clock, all driven by one seed. Nothing here reads
/// a clock or touches the machine.
final class NodeSim {
    struct Node {
        var settings: NodeSettings
        var core: NodeCore
        var host: HostSnapshot
        var running = true
        var timerGeneration = 0
        /// Netlink refuses to add addresses (no CAP_NET_ADMIN, say).
        var refuseAdds = false
        var checkHealth: Health = .healthy
        var transitions: [(time: Instant, from: GroupState, to: GroupState, reason: String)] = []
        var announces: [String] = []
        /// Every `.place` effect: "vip +eth0" / "vip -eth0".
        var placements: [String] = []
        /// Every log line of the core.
        var logs: [String] = []
        var everFaulted = false
        var address: IPAddress { settings.configuration.cluster.bind! }
        var name: String { settings.identity.name }
        var election: Election { core.vips[0].election }
    }

    private enum Payload {
        var node: Int? {
            switch self {
            case .datagram(let to, _, _): return to
            case .timer(let node, _), .hostChanged(let node), .check(let node, _): return node
            case .hostStep: return nil
            }
        }

        case datagram(to: Int, bytes: [UInt8], from: NodeAddress)
        case timer(node: Int, generation: Int)
        /// A netlink notification: the core reads the host as it is when it arrives.
        case hostChanged(node: Int)
        /// A step of a scripted host change.
        case hostStep(node: Int, step: (inout HostSnapshot) -> Void)
        case check(node: Int, Health)
    }

    private struct Event {
        var time: Int64
        var order: UInt64
        var payload: Payload
    }

    static let vip = IPAddress("10.0.0.100")!
    static let key = [UInt8](repeating: 7, count: 32)
    var nodes: [Node] = []
    var rng: SplitMix64
    private(set) var now = Instant(nanoseconds: 1_000_000_000)
    var partition: [Int]?
    /// Random loss of every datagram.
    var loss = 0.0
    /// Random loss per directed link (from, to), on top of `loss`.
    var linkLoss: [Link: Double] = [:]
    /// Directed links that deliver nothing (one-way faults).
    var blocked = Set<Link>()
    /// Bursty loss (Gilbert–Elliott): per directed link, a bad state that drops everything,
    /// entered with `burstStart` per datagram and left with `burstEnd`.
    var burstStart = 0.0
    var burstEnd = 0.5
    private var inBurst = Set<Link>()
    /// Nodes paused (SIGSTOP) until the instant: their events wait, datagrams queue up.
    private var pausedUntil: [Int: Int64] = [:]
    private(set) var datagramsSent = 0
    /// When each directed link's datagrams were sent (nanoseconds), while `recordSends` is on.
    var recordSends = false
    private(set) var sendTimes: [Link: [Int64]] = [:]
    struct Link: Hashable { var from: Int; var to: Int }
    var delayRange: ClosedRange<Int64> = (1 * ms)...(1 * ms)
    /// How long a netlink notification takes to reach the agent.
    var netlinkDelay: ClosedRange<Int64> = 0...(1 * ms)
    var trace = false
    private var heap: [Event] = []
    private var order: UInt64 = 0
    private(set) var eventsProcessed = 0

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// Adds a node with the address 10.0.0.(index+1)/24 on eth0, the VIP 10.0.0.100/24 on
    /// `interface` (a name or `auto`), gated by the check `api`.
    func addNode(priority: UInt8, interface: String = "eth0", interval: Int64 = 100, preempt: Bool = true,
                 preemptDelay: Int64 = 0, count: Int, interfaceLossHold: Duration? = nil, minHoldTime: Int64? = nil,
                 vipCount: Int = 1, name: String? = nil, key: [UInt8]? = nil, vipAddress: IPAddress? = nil) {
        let i = nodes.count
        let nodeName = name ?? "n\(i)"
        let own = IPAddress(bytes: [10, 0, 0, UInt8(i + 1)])!
        let peers = (0..<count).filter { $0 != i }.map { IPAddress(bytes: [10, 0, 0, UInt8($0 + 1)])! }
        let hold: Duration = minHoldTime.map { .milliseconds($0) } ?? VIPConfig.defaultMinHoldTime
        var vips: [VIPConfig] = []
        for k in 0..<vipCount {
            let address: IPAddress = k == 0 ? (vipAddress ?? Self.vip) : IPAddress(bytes: [10, 0, 0, UInt8(100 + k)])!
            vips.append(VIPConfig(name: k == 0 ? "api" : "api\(k)", address: address, prefixLength: 24,
                                  interface: interface, routerId: UInt8(51 + k), priority: priority, preempt: preempt,
                                  preemptDelay: .nanoseconds(preemptDelay * ms), advertInterval: .milliseconds(interval),
                                  checks: ["api"], minHoldTime: hold))
        }
        let configuration = Configuration(
            node: nodeName, cluster: ClusterConfig(bind: own, peers: peers, authKey: key ?? Self.key), vips: vips,
            startupGrace: .zero, announce: AnnounceConfig(garpCount: 3, garpInterval: .milliseconds(50), refreshInterval: .seconds(5)))
        let settings = NodeSettings(configuration: configuration, identity: NodeIdentity(name: nodeName, address: NodeAddress(own)),
                                    epoch: rng.next(), nonceSeed: rng.next(), interfaceLossHold: interfaceLossHold)
        let host = HostSnapshot(
            links: [LinkInfo(index: 1, name: "lo", mac: [0, 0, 0, 0, 0, 0]),
                    LinkInfo(index: 2, name: "eth0", kind: "veth", mac: [2, 0, 0, 0, 0, UInt8(i + 1)])],
            addresses: [InterfaceAddress(interfaceIndex: 2, interfaceName: "eth0", address: own, prefixLength: 24)])
        nodes.append(Node(settings: settings, core: NodeCore(settings: settings), host: host))
    }

    // MARK: - Driving

    func startAll() { for i in nodes.indices { start(i) } }

    private func start(_ i: Int) {
        feed(i, .check(name: "api", state: nodes[i].checkHealth, reason: nil))
        feed(i, .start(nodes[i].host))
    }

    func run(for ns: Int64, check: (() -> Void)? = nil) { run(until: now + ns, check: check) }

    func run(until end: Instant, check: (() -> Void)? = nil) {
        while let first = heap.first, first.time <= end.nanoseconds {
            let e = pop()
            now = Instant(nanoseconds: e.time)
            if let node = e.payload.node, let until = pausedUntil[node] {
                if until > e.time {
                    push(until, e.payload)  // a stopped process handles it when it runs again
                    continue
                }
                pausedUntil[node] = nil
            }
            eventsProcessed += 1
            switch e.payload {
            case .timer(let i, let generation):
                guard nodes[i].running, nodes[i].timerGeneration == generation else { continue }
                feed(i, .timer)
            case .datagram(let i, let bytes, let from):
                guard nodes[i].running else { continue }
                feed(i, .datagram(bytes, from: from))
            case .hostChanged(let i):
                guard nodes[i].running else { continue }
                feed(i, .host(nodes[i].host))
            case .hostStep(let i, let step):
                step(&nodes[i].host)
                notifyHost(i)
            case .check(let i, let health):
                nodes[i].checkHealth = health
                guard nodes[i].running else { continue }
                feed(i, .check(name: "api", state: health, reason: "api: simulated \(health)"))
            }
            check?()
        }
        now = end
    }

    private func feed(_ i: Int, _ event: NodeEvent) {
        let effects = nodes[i].core.handle(event, at: now)
        perform(i, effects)
        if nodes[i].core.vips[0].election.state == .fault { nodes[i].everFaulted = true }
    }

    private func perform(_ i: Int, _ effects: [NodeEffect]) {
        for effect in effects {
            switch effect {
            case .send(let datagrams, _):
                for d in datagrams { send(from: i, d) }
            case .place(let vip, let address, let steps):
                nodes[i].placements += steps.map { step in
                    switch step {
                    case .add(let name): "\(vip) +\(name)"
                    case .remove(let name): "\(vip) -\(name)"
                    }
                }
                var failures: [PlacementFailure] = []
                for step in steps {
                    switch step {
                    case .add(let name):
                        if nodes[i].refuseAdds || nodes[i].host.link(named: name) == nil {
                            failures.append(PlacementFailure(step: step, error: "adding \(address) on \(name): Operation not permitted"))
                        } else if let link = nodes[i].host.link(named: name) {
                            nodes[i].host.addresses.append(InterfaceAddress(interfaceIndex: link.index, interfaceName: name,
                                                                            address: address, prefixLength: 32))
                        }
                    case .remove(let name):
                        nodes[i].host.addresses.removeAll { $0.interfaceName == name && $0.address == address }
                    }
                }
                notifyHost(i)
                perform(i, nodes[i].core.handle(.placed(vip: vip, failures: failures), at: now))
            case .announce(_, _, let interface):
                nodes[i].announces.append(interface)
            case .transition(_, let from, let to, let reason):
                nodes[i].transitions.append((now, from, to, reason))
                if trace { print("  \(now) \(nodes[i].name): \(from.rawValue) → \(to.rawValue): \(reason)") }
            case .armTimer(let at):
                nodes[i].timerGeneration += 1
                push(max(at.nanoseconds, now.nanoseconds), .timer(node: i, generation: nodes[i].timerGeneration))
            case .log(_, let text, _):
                nodes[i].logs.append(text)
            case .publishGateway, .dropped, .advertsReceived, .reply, .conflictsChanged, .evidenceSaved:
                break
            }
        }
    }

    private func send(from i: Int, _ datagram: OutgoingDatagram) {
        let source = NodeAddress(nodes[i].address)
        guard let j = nodes.firstIndex(where: { NodeAddress($0.address) == datagram.peer }) else { return }
        datagramsSent += 1
        let link = Link(from: i, to: j)
        if recordSends { sendTimes[link, default: []].append(now.nanoseconds) }
        if let p = partition, p[i] != p[j] { return }
        if blocked.contains(link) { return }
        if loss > 0, rng.chance(loss) { return }
        if let l = linkLoss[link], rng.chance(l) { return }
        if burstStart > 0 {
            if inBurst.contains(link) {
                if rng.chance(burstEnd) { inBurst.remove(link) } else { return }
            } else if rng.chance(burstStart) {
                inBurst.insert(link)
                return
            }
        }
        let delay = delayRange.lowerBound + Int64(rng.next() % UInt64(delayRange.upperBound - delayRange.lowerBound + 1))
        push(now.nanoseconds + delay, .datagram(to: j, bytes: datagram.bytes, from: source))
    }

    /// The node's process is stopped (SIGSTOP) for `duration`, then continues: what arrived
    /// meanwhile is handled when it runs again, oldest first.
    /// Whether some node is paused now, and when the last pause ends.
    var anyPaused: Bool { pausedUntil.values.contains { $0 > now.nanoseconds } }
    var pausesEnd: Instant { Instant(nanoseconds: pausedUntil.values.max() ?? 0) }

    func pause(_ i: Int, for duration: Int64) {
        pausedUntil[i] = now.nanoseconds + duration
        trace("\(nodes[i].name) paused for \(duration / ms)ms")
    }

    private func notifyHost(_ i: Int) {
        let d = netlinkDelay.lowerBound + Int64(rng.next() % UInt64(netlinkDelay.upperBound - netlinkDelay.lowerBound + 1))
        push(now.nanoseconds + d, .hostChanged(node: i))
    }

    // MARK: - Faults

    /// The process dies; its VIP copies are removed (ExecStopPost / the next start's cleanup).
    func crash(_ i: Int) {
        nodes[i].running = false
        nodes[i].host.addresses.removeAll { $0.address == Self.vip }
        trace("crash \(nodes[i].name)")
    }

    func restart(_ i: Int) {
        nodes[i].running = true
        nodes[i].timerGeneration += 1
        nodes[i].host.addresses.removeAll { $0.address == Self.vip }
        // Any clock: the epoch is random (a restart with the wall clock behind is no different).
        nodes[i].settings.epoch = rng.next()
        nodes[i].settings.nonceSeed = rng.next()
        nodes[i].core = NodeCore(settings: nodes[i].settings)
        trace("restart \(nodes[i].name)")
        start(i)
    }

    /// SIGHUP with the configuration as `change` leaves it: the core applies it live.
    func reconfigure(_ i: Int, _ change: (inout Configuration) -> Void) {
        change(&nodes[i].settings.configuration)
        trace("\(nodes[i].name) reloads its configuration")
        feed(i, .reconfigure(nodes[i].settings))
    }

    func setCheck(_ i: Int, _ health: Health, after: Int64 = 0) {
        push(now.nanoseconds + after, .check(node: i, health))
    }

    /// Kube-OVN takes eth0 into the bridge br-ext and moves every address of eth0 onto it, in
    /// steps with gaps: create the bridge and enslave the port; delete the addresses; add them
    /// on the bridge.
    func moveToBridge(_ i: Int, gaps: (Int64, Int64)) {
        guard nodes[i].host.link(named: "eth0")?.isEnslaved == false else { return }
        trace("\(nodes[i].name): eth0 into br-ext (gaps \(gaps.0 / ms)ms, \(gaps.1 / ms)ms)")
        var moved: [InterfaceAddress] = []
        hostStep(i, at: 0) { host in
            if host.link(named: "br-ext") == nil {
                host.links.append(LinkInfo(index: 3, name: "br-ext", kind: "bridge", mac: host.link(named: "eth0")!.mac))
            }
            if let p = host.links.firstIndex(where: { $0.name == "eth0" }) { host.links[p].masterIndex = 3 }
        }
        hostStep(i, at: gaps.0) { host in
            moved = host.addresses.filter { $0.interfaceName == "eth0" }
            host.addresses.removeAll { $0.interfaceName == "eth0" }
        }
        hostStep(i, at: gaps.0 + gaps.1) { host in
            for a in moved where !host.addresses.contains(where: { $0.interfaceName == "br-ext" && $0.address == a.address }) {
                host.addresses.append(InterfaceAddress(interfaceIndex: 3, interfaceName: "br-ext", address: a.address,
                                                       prefixLength: a.prefixLength))
            }
        }
    }

    /// The reverse move: the addresses go back onto eth0, the bridge lets it go.
    func moveBack(_ i: Int, gaps: (Int64, Int64)) {
        guard nodes[i].host.link(named: "eth0")?.isEnslaved == true else { return }
        trace("\(nodes[i].name): eth0 back out of br-ext")
        var moved: [InterfaceAddress] = []
        hostStep(i, at: 0) { host in
            moved = host.addresses.filter { $0.interfaceName == "br-ext" }
            host.addresses.removeAll { $0.interfaceName == "br-ext" }
        }
        hostStep(i, at: gaps.0) { host in
            if let p = host.links.firstIndex(where: { $0.name == "eth0" }) { host.links[p].masterIndex = nil }
        }
        hostStep(i, at: gaps.0 + gaps.1) { host in
            for a in moved where !host.addresses.contains(where: { $0.interfaceName == "eth0" && $0.address == a.address }) {
                host.addresses.append(InterfaceAddress(interfaceIndex: 2, interfaceName: "eth0", address: a.address,
                                                       prefixLength: a.prefixLength))
            }
        }
    }

    /// The carrier of the interface that carries the node address drops for `duration`.
    func carrierFlap(_ i: Int, duration: Int64) {
        let name = nodes[i].host.link(named: "eth0")?.isEnslaved == true ? "br-ext" : "eth0"
        trace("\(nodes[i].name): \(name) carrier lost for \(duration / ms)ms")
        hostStep(i, at: 0) { host in
            if let p = host.links.firstIndex(where: { $0.name == name }) { host.links[p].hasCarrier = false }
        }
        hostStep(i, at: duration) { host in
            if let p = host.links.firstIndex(where: { $0.name == name }) { host.links[p].hasCarrier = true }
        }
    }

    private func hostStep(_ i: Int, at offset: Int64, _ step: @escaping (inout HostSnapshot) -> Void) {
        push(now.nanoseconds + offset, .hostStep(node: i, step: step))
    }

    private func trace(_ text: String) {
        if trace { print("  \(now) \(text)") }
    }

    // MARK: - Views

    /// Running nodes whose election is MASTER.
    var masters: [Int] { nodes.indices.filter { nodes[$0].running && nodes[$0].election.state == .master } }
    /// Running nodes whose host has the VIP (on any interface). A dead node's copies are removed
    /// when it dies (ExecStopPost / the next start), so only running nodes can hold it.
    var holders: [Int] {
        nodes.indices.filter { i in nodes[i].running && nodes[i].host.addresses.contains { $0.address == Self.vip } }
    }
    /// Running nodes that could serve: not faulted, checks passing.
    var healthyServing: [Int] {
        nodes.indices.filter { nodes[$0].running && nodes[$0].election.fault == nil && nodes[$0].election.health == .healthy }
    }
    var transitionCount: Int { nodes.reduce(0) { $0 + $1.transitions.count } }

    // MARK: - Event queue (a binary heap ordered by time, then insertion)

    private func push(_ time: Int64, _ payload: Payload) {
        order += 1
        heap.append(Event(time: time, order: order, payload: payload))
        var c = heap.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard less(heap[c], heap[p]) else { break }
            heap.swapAt(c, p)
            c = p
        }
    }

    private func pop() -> Event {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < heap.count, less(heap[l], heap[m]) { m = l }
                if r < heap.count, less(heap[r], heap[m]) { m = r }
                if m == p { break }
                heap.swapAt(p, m)
                p = m
            }
        }
        return top
    }

    private func less(_ a: Event, _ b: Event) -> Bool { a.time != b.time ? a.time < b.time : a.order < b.order }
}
