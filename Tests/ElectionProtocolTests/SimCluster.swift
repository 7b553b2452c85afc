import TestSupport
@testable import ElectionProtocol

/// A simulated network of nodes running the real `Election`, driven by one seed.
///
/// Time is a number; messages are delayed, lost and reordered by the generator; partitions,
/// crashes, restarts, health changes and step-downs are method calls. Nothing here reads a clock.
final class SimCluster {
    struct Node {
        var config: ElectionConfig
        var identity: NodeIdentity
        var election: Election
        var running = true
        var holdsVIP = false
        var health: Health
        var epoch: UInt64 = 1
        var sequence: UInt64 = 0
        /// Newest (epoch, sequence) accepted from each sender: reordered adverts are dropped, as
        /// the node core's replay guard does (its challenge exchange is tested in NodeCoreTests).
        var newest: [Int: (epoch: UInt64, sequence: UInt64)] = [:]
        var timerGeneration = 0
        var announces = 0
        var announcedAt: [Instant] = []
        var transitions: [(Instant, GroupState, GroupState, String)] = []
        var notices: [String] = []
        var evidenceSaves = 0
    }

    struct SimAdvert {
        var body: AdvertBody
        var epoch: UInt64
        var sequence: UInt64
    }

    private enum Payload {
        case deliver(to: Int, from: Int, SimAdvert)
        case timer(node: Int, generation: Int)
    }

    private struct Event {
        var time: Int64
        var order: UInt64
        var payload: Payload
    }

    var nodes: [Node] = []
    var rng: SplitMix64
    private(set) var now = Instant.zero
    /// Group id per node (nodes in different groups cannot talk); nil: the network is whole.
    var partition: [Int]?
    /// One-way cuts: adverts from `from` to `to` are dropped (a node whose neighbour entries
    /// failed during a partition sends nothing until it has resolved them again).
    var blocked: Set<[Int]> = []
    var loss = 0.0
    var delayRange: ClosedRange<Int64> = 1_000_000...1_000_000
    var trace = false
    /// Errors from action-level invariants (VIP added twice, removed while not held…).
    private(set) var actionErrors: [String] = []
    private var heap: [Event] = []
    private var order: UInt64 = 0
    private(set) var eventsProcessed = 0

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    @discardableResult
    func addNode(name: String, address: [UInt8], config: ElectionConfig, health: Health = .healthy) -> Int {
        let id = NodeIdentity(name: name, address: NodeAddress(bytes: address)!)
        nodes.append(Node(config: config, identity: id, election: Election(config: config, me: id, health: health),
                          health: health))
        return nodes.count - 1
    }

    // MARK: - Driving

    func startAll() { for i in nodes.indices { apply(i, .start) } }

    func run(for ns: Int64, check: (() -> Void)? = nil) { run(until: now + ns, check: check) }

    func run(until end: Instant, check: (() -> Void)? = nil) {
        while let first = heap.first, first.time <= end.nanoseconds {
            let e = pop()
            now = Instant(nanoseconds: e.time)
            eventsProcessed += 1
            switch e.payload {
            case .timer(let i, let generation):
                guard nodes[i].running, nodes[i].timerGeneration == generation else { continue }
                apply(i, .timerFired)
            case .deliver(let i, let from, let advert):
                guard nodes[i].running else { continue }
                if let seen = nodes[i].newest[from], seen.epoch == advert.epoch, advert.sequence <= seen.sequence { continue }
                nodes[i].newest[from] = (advert.epoch, advert.sequence)
                apply(i, .advertReceived(advert.body))
            }
            check?()
        }
        now = end
    }

    func crash(_ i: Int) {
        nodes[i].running = false
        nodes[i].holdsVIP = false  // a restarted agent removes its stale copy before anything else
        nodes[i].timerGeneration += 1
        log("\(nodes[i].identity.name) crashes")
    }

    func restart(_ i: Int) {
        let n = nodes[i]
        nodes[i].election = Election(config: n.config, me: n.identity, health: n.health)
        nodes[i].running = true
        nodes[i].epoch += 1
        nodes[i].sequence = 0
        nodes[i].newest = [:]
        log("\(n.identity.name) restarts")
        apply(i, .start)
    }

    func setHealth(_ i: Int, _ h: Health) {
        nodes[i].health = h
        if nodes[i].running { apply(i, .healthChanged(h)) }
    }

    func setFault(_ i: Int, _ f: String?) { if nodes[i].running { apply(i, .faultChanged(f)) } }
    func stepDown(_ i: Int) { if nodes[i].running { apply(i, .stepDown) } }

    func shutdown(_ i: Int) {
        guard nodes[i].running else { return }
        apply(i, .shutdown)
        nodes[i].running = false
        nodes[i].timerGeneration += 1
    }

    // MARK: - Views

    var masters: [Int] { nodes.indices.filter { nodes[$0].running && nodes[$0].election.state == .master } }
    var holders: [Int] { nodes.indices.filter { nodes[$0].holdsVIP } }
    func state(_ i: Int) -> GroupState { nodes[i].election.state }

    /// The node that should hold the VIP by the order of merit, among running nodes that can serve.
    var bestEligible: Int? {
        nodes.indices.filter { nodes[$0].running && nodes[$0].election.fault == nil }
            .max { nodes[$0].election.merit < nodes[$1].election.merit }
    }

    // MARK: - Internals

    private func apply(_ i: Int, _ event: ElectionEvent) {
        let actions = nodes[i].election.handle(event, at: now)
        for a in actions {
            switch a {
            case .send(let body):
                nodes[i].sequence += 1
                broadcast(from: i, SimAdvert(body: body, epoch: nodes[i].epoch, sequence: nodes[i].sequence))
            case .addVIP:
                if nodes[i].holdsVIP { actionErrors.append("\(now) \(nodes[i].identity.name) added the VIP twice") }
                nodes[i].holdsVIP = true
            case .removeVIP:
                if !nodes[i].holdsVIP { actionErrors.append("\(now) \(nodes[i].identity.name) removed a VIP it did not hold") }
                nodes[i].holdsVIP = false
            case .announce:
                nodes[i].announces += 1
                nodes[i].announcedAt.append(now)
            case .transition(let from, let to, let reason):
                nodes[i].transitions.append((now, from, to, reason))
                log("\(nodes[i].identity.name) \(from.rawValue) → \(to.rawValue): \(reason)")
            case .notice(let text):
                nodes[i].notices.append(text)
            case .evidenceSaved:
                nodes[i].evidenceSaves += 1
            case .armTimer(let at):
                if trace { print("  \(now) \(nodes[i].identity.name) timer at \(at)") }
                nodes[i].timerGeneration += 1
                push(at.nanoseconds, .timer(node: i, generation: nodes[i].timerGeneration))
            }
        }
    }

    private func broadcast(from i: Int, _ advert: SimAdvert) {
        for j in nodes.indices where j != i {
            if let p = partition, p[i] != p[j] { continue }
            if blocked.contains([i, j]) { continue }
            if loss > 0 && rng.chance(loss) { continue }
            let span = delayRange.upperBound - delayRange.lowerBound
            let delay = delayRange.lowerBound + (span > 0 ? Int64(rng.next() % UInt64(span + 1)) : 0)
            push(now.nanoseconds + delay, .deliver(to: j, from: i, advert))
        }
    }

    private func log(_ s: @autoclosure () -> String) { if trace { print("  \(now) \(s())") } }

    // Binary heap ordered by (time, insertion order): deterministic for equal times.
    private func push(_ time: Int64, _ payload: Payload) {
        order += 1
        heap.append(Event(time: time, order: order, payload: payload))
        var c = heap.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            if less(heap[c], heap[p]) { heap.swapAt(c, p); c = p } else { break }
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
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == p { break }
                heap.swapAt(p, m)
                p = m
            }
        }
        return top
    }

    private func less(_ a: Event, _ b: Event) -> Bool { a.time != b.time ? a.time < b.time : a.order < b.order }
}

let ms: Int64 = 1_000_000
