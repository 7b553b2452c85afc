import NIOConcurrencyHelpers
import Prometheus

/// The agent's Prometheus metrics. Thread-safe: every method may be called from any thread or task
/// (the registry serialises access). Labels are escaped by the registry, so any VIP or check name
/// is safe to pass.
public final class AgentMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The per-VIP advert counters, made once: they move with every datagram of every group, and
    /// the registry validates names and help texts on every lookup.
    private let advertCounters = NIOLockedValueBox<[String: (sent: Counter, received: Counter)]>([:])

    /// `version`, when given, is exported as `vip_agent_build_info{version} 1`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), version: String? = nil) {
        self.registry = registry
        if let version {
            gauge(MetricNames.buildInfo, ["version": version]).set(1.0)
        }
        // Drop counters exist from the start, so `rate()` works before the first drop.
        for reason in MetricNames.dropReasons {
            _ = dropCounter(reason)
        }
        setHostProblems([:])
        setConflicts([:])
    }

    // MARK: VIPs

    /// Creates the per-VIP series at zero (state INIT), so dashboards see the VIP before it moves.
    public func registerVIP(_ vip: String, state: String = "INIT", effectivePriority: Int? = nil) {
        setState(vip: vip, state: state)
        _ = counter(MetricNames.advertsSent, ["vip": vip])
        _ = counter(MetricNames.advertsReceived, ["vip": vip])
        _ = counter(MetricNames.garpsSent, ["vip": vip])
        _ = counter(MetricNames.evidenceSaves, ["vip": vip])
        _ = counter(MetricNames.addressConflicts, ["vip": vip])
        for to in MetricNames.states {
            _ = counter(MetricNames.transitions, ["vip": vip, "to": to])
        }
        if let effectivePriority { setEffectivePriority(vip: vip, effectivePriority) }
    }

    /// A VIP removed by a reload: its series go (a VIP added again starts from zero).
    public func unregisterVIP(_ vip: String) {
        advertCounters.withLockedValue { $0[vip] = nil }
        for state in MetricNames.states {
            registry.unregisterGauge(gauge(MetricNames.vipState, ["vip": vip, "state": state]))
            registry.unregisterCounter(counter(MetricNames.transitions, ["vip": vip, "to": state]))
        }
        for name in [MetricNames.advertsSent, MetricNames.advertsReceived, MetricNames.garpsSent, MetricNames.evidenceSaves,
                     MetricNames.addressConflicts] {
            registry.unregisterCounter(counter(name, ["vip": vip]))
        }
        registry.unregisterGauge(gauge(MetricNames.effectivePriority, ["vip": vip]))
    }

    /// Sets `vip_agent_vip_state{vip,state}` to 1 for `state` and 0 for every other state.
    /// A state outside INIT/BACKUP/MASTER/FAULT gets its own series (1) and zeroes the known ones.
    public func setState(vip: String, state: String) {
        var states = MetricNames.states
        if !states.contains(state) { states.append(state) }
        for candidate in states {
            gauge(MetricNames.vipState, ["vip": vip, "state": candidate]).set(candidate == state ? 1.0 : 0.0)
        }
    }

    /// Counts a transition of `vip` into state `to` and sets the state gauge accordingly.
    public func transition(vip: String, to: String) {
        counter(MetricNames.transitions, ["vip": vip, "to": to]).increment()
        setState(vip: vip, state: to)
    }

    public func advertSent(vip: String) {
        advertCounters(vip).sent.increment()
    }

    public func advertReceived(vip: String) {
        advertCounters(vip).received.increment()
    }

    /// Adverts sent and received per VIP since the last call, in one batch.
    public func advertsCounted(sent: [String: Int64], received: [String: Int64]) {
        advertCounters.withLockedValue { cache in
            for (vip, count) in sent where count > 0 { advertCounters(vip, in: &cache).sent.increment(by: count) }
            for (vip, count) in received where count > 0 { advertCounters(vip, in: &cache).received.increment(by: count) }
        }
    }

    private func advertCounters(_ vip: String) -> (sent: Counter, received: Counter) {
        advertCounters.withLockedValue { advertCounters(vip, in: &$0) }
    }

    /// `vip`'s two advert counters, made and kept in `cache` on first use (under its lock).
    private func advertCounters(_ vip: String, in cache: inout [String: (sent: Counter, received: Counter)])
        -> (sent: Counter, received: Counter) {
        if let known = cache[vip] { return known }
        let made = (sent: counter(MetricNames.advertsSent, ["vip": vip]), received: counter(MetricNames.advertsReceived, ["vip": vip]))
        cache[vip] = made
        return made
    }

    /// Counts a dropped packet. `reason` should be one of `MetricNames.dropReasons`.
    public func dropped(reason: String) {
        dropCounter(reason).increment()
    }

    /// Shows `peer`'s send error counter at 0 from the start.
    public func registerPeer(_ peer: String) {
        _ = counter(MetricNames.sendErrors, ["peer": peer])
    }

    /// A peer removed by a reload: its series goes.
    public func unregisterPeer(_ peer: String) {
        registry.unregisterCounter(counter(MetricNames.sendErrors, ["peer": peer]))
    }

    /// One advert to `peer` the kernel refused (`vip_agent_send_errors_total{peer}`).
    public func sendError(peer: String) {
        counter(MetricNames.sendErrors, ["peer": peer]).increment()
    }

    public func garpSent(vip: String, count: Int = 1) {
        guard count > 0 else { return }
        counter(MetricNames.garpsSent, ["vip": vip]).increment(by: Int64(count))
    }

    /// Another host was found answering ARP for `vip` (`vip_agent_address_conflicts_total{vip}`).
    public func addressConflict(vip: String) {
        counter(MetricNames.addressConflicts, ["vip": vip]).increment()
    }

    public func setEffectivePriority(vip: String, _ priority: Int) {
        gauge(MetricNames.effectivePriority, ["vip": vip]).set(Double(priority))
    }

    // MARK: Health checks

    /// Records one probe of `check`: `healthy` is the verdict after rise/fall, `success` the probe's
    /// own outcome, `seconds` how long it took (negative or non-finite durations are not observed).
    public func checkResult(check: String, healthy: Bool, success: Bool, seconds: Double) {
        gauge(MetricNames.checkHealthy, ["check": check]).set(healthy ? 1.0 : 0.0)
        counter(MetricNames.checkRuns, ["check": check, "result": success ? "success" : "failure"]).increment()
        if seconds.isFinite, seconds >= 0 {
            registry.makeValueHistogram(descriptor: MetricNames.checkDuration, labels: [("check", check)],
                                        buckets: MetricNames.checkDurationBuckets).record(seconds)
        }
    }

    /// A check removed by a reload: its verdict and run counters go.
    public func unregisterCheck(_ check: String) {
        registry.unregisterGauge(gauge(MetricNames.checkHealthy, ["check": check]))
        for result in ["success", "failure"] {
            registry.unregisterCounter(counter(MetricNames.checkRuns, ["check": check, "result": result]))
        }
    }

    /// Sets the verdict of `check` without counting a probe (e.g. at start-up).
    public func setCheckHealthy(check: String, _ healthy: Bool) {
        gauge(MetricNames.checkHealthy, ["check": check]).set(healthy ? 1.0 : 0.0)
    }

    // MARK: External gateway

    /// The number of host problems of each kind now (kinds not given are 0).
    public func setHostProblems(_ counts: [String: Int]) {
        for kind in Set(MetricNames.hostProblemKinds).union(counts.keys) {
            gauge(MetricNames.hostProblems, ["kind": kind]).set(Double(counts[kind] ?? 0))
        }
    }

    /// The number of conflicts with peers of each kind now (kinds not given are 0).
    public func setConflicts(_ counts: [String: Int]) {
        for kind in Set(MetricNames.conflictKinds).union(counts.keys) {
            gauge(MetricNames.conflicts, ["kind": kind]).set(Double(counts[kind] ?? 0))
        }
    }

    /// Peers vouching for a master this node did not hear kept it from taking over.
    public func evidenceSaved(group: String) {
        counter(MetricNames.evidenceSaves, ["vip": group]).increment()
    }

    public func setGatewayConnected(_ connected: Bool) {
        registry.makeGauge(descriptor: MetricNames.gatewayConnected).set(connected ? 1.0 : 0.0)
    }

    public func gatewayWrite(success: Bool) {
        counter(MetricNames.gatewayWrites, ["result": success ? "success" : "failure"]).increment()
    }

    // MARK: Exposition

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    public func render() -> String {
        registry.emitToString()
    }

    // MARK: Internals

    private func dropCounter(_ reason: String) -> Counter {
        counter(MetricNames.packetsDropped, ["reason": reason])
    }

    private func counter(_ descriptor: MetricNameDescriptor, _ labels: KeyValuePairs<String, String>) -> Counter {
        registry.makeCounter(descriptor: descriptor, labels: labels.map { ($0.key, $0.value) })
    }

    private func gauge(_ descriptor: MetricNameDescriptor, _ labels: KeyValuePairs<String, String>) -> Gauge {
        registry.makeGauge(descriptor: descriptor, labels: labels.map { ($0.key, $0.value) })
    }
}
