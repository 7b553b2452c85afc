import GratuitousARP

/// `arp` check: an ARP request for `target` on `interface`; healthy when the target answers.
/// `ARPProbe.probe` blocks, so it runs on its own thread under a deadline. One `ARPProbe` is kept
/// between runs; a run that finds the slot empty (first run, an earlier run still hung, or the last
/// one failed and closed it) opens a fresh one, so an interface that comes back is picked up.
public final class ARPCheckProbe: Probe {
    public let target: [UInt8]
    public let interface: String
    private let idle = LockedBox<ARPProbe?>(nil)
    /// Runs first on every probing thread (tests use it to enter a network namespace with setns).
    private let prepareThread: (@Sendable () throws -> Void)?
    /// Extra wait past the timeout for the probing thread to hand its answer back.
    static let threadSlack: Duration = .milliseconds(30)

    init(target: [UInt8], interface: String, prepareThread: (@Sendable () throws -> Void)? = nil) throws {
        guard target.count == 4 else {
            throw ProbeSpecError("arp.target must be an IPv4 address, got \(target.count) bytes")
        }
        guard !interface.isEmpty else { throw ProbeSpecError("arp.interface is empty") }
        self.target = target
        self.interface = interface
        self.prepareThread = prepareThread
    }

    deinit {
        idle.withLockedValue { $0 }?.close()
    }

    public func run(timeout: Duration) async -> ProbeOutcome {
        let start = ContinuousClock.now
        let result = await withDeadline(timeout + Self.threadSlack) { [self] in
            await onDedicatedThread("vip-agent arp") { self.probeOnce(until: start + timeout) }
        }
        let (success, detail) = result ?? (false, noReplyText)
        return ProbeOutcome(success: success, detail: detail, duration: ContinuousClock.now - start)
    }

    private var noReplyText: String {
        "no ARP reply from \(ARPText.ipv4(target)) on \(interface)"
    }

    /// "ARP: opening on eth9: No such device"; GratuitousARP's errors already name the interface.
    private func failureText(_ error: Error) -> String {
        error is AnnounceError ? "ARP: \(error)" : "ARP on \(interface): \(error)"
    }

    /// Blocking: takes the idle ARPProbe (or opens one), probes, and puts it back unless it failed.
    private func probeOnce(until deadline: ContinuousClock.Instant) -> (Bool, String) {
        do {
            try prepareThread?()
        } catch {
            return (false, "ARP on \(interface): \(error)")
        }
        let kept = idle.withLockedValue { slot -> ARPProbe? in
            defer { slot = nil }
            return slot
        }
        let arp: ARPProbe
        do {
            arp = try kept ?? ARPProbe(interface: interface)
        } catch {
            return (false, failureText(error))
        }
        do {
            // Opening the sockets took part of the budget: wait for the reply only until the deadline.
            let reply = try arp.probe(target: target, timeout: max(.zero, deadline - ContinuousClock.now))
            let displaced = idle.withLockedValue { slot -> ARPProbe? in
                defer { slot = arp }
                return slot
            }
            displaced?.close()
            guard let mac = reply else { return (false, noReplyText) }
            return (true, "reply from \(ARPText.mac(mac))")
        } catch {
            arp.close()
            return (false, failureText(error))
        }
    }
}
