import GratuitousARP

/// `arp` check: an ARP request for `target` on `interface`; healthy when the target answers.
/// `ARPProbe.probe` blocks, so it runs on its own thread under a deadline. One `ARPProbe` is kept
/// between runs; a run that finds the slot empty (first run, an earlier run still hung, or the last
/// one failed and closed it) opens a fresh one, so an interface that comes back is picked up.
public final class ARPCheckProbe: Probe {
    public let target: [UInt8]
    public let interface: String
    private let idle = LockedBox<ARPProbe?>(nil)
    /// Extra wait past the timeout for the probing thread.
    static let threadSlack: Duration = .milliseconds(5)

    init(target: [UInt8], interface: String) throws {
        guard target.count == 4 else {
            throw ProbeSpecError("arp.target must be an IPv4 address, got \(target.count) bytes")
        }
        guard !interface.isEmpty else { throw ProbeSpecError("arp.interface is empty") }
        self.target = target
        self.interface = interface
    }

    deinit {
        idle.withLock { $0 }?.close()
    }

    public func run(timeout: Duration) async -> ProbeOutcome {
        let start = ContinuousClock.now
        let result = await withDeadline(timeout + Self.threadSlack) { [self] in
            await onDedicatedThread("vip-agent arp") { self.probeOnce(timeout: timeout) }
        }
        let (success, detail) = result ?? (false, noReplyText)
        return ProbeOutcome(success: success, detail: detail, duration: ContinuousClock.now - start)
    }

    private var noReplyText: String {
        "no ARP reply from \(ARPText.ipv4(target)) on \(interface)"
    }

    /// Blocking: takes the idle ARPProbe (or opens one), probes, and puts it back unless it failed.
    private func probeOnce(timeout: Duration) -> (Bool, String) {
        let kept = idle.withLock { slot -> ARPProbe? in
            defer { slot = nil }
            return slot
        }
        let arp: ARPProbe
        do {
            arp = try kept ?? ARPProbe(interface: interface)
        } catch {
            return (false, "ARP on \(interface): \(error)")
        }
        do {
            let reply = try arp.probe(target: target, timeout: timeout)
            let displaced = idle.withLock { slot -> ARPProbe? in
                defer { slot = arp }
                return slot
            }
            displaced?.close()
            guard let mac = reply else { return (false, noReplyText) }
            return (true, "reply from \(ARPText.mac(mac))")
        } catch {
            arp.close()
            return (false, "ARP on \(interface): \(error)")
        }
    }
}
