import Foundation
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("setns")
private func c_setns(_ fd: Int32, _ nstype: Int32) -> Int32

private let cloneNewNet: Int32 = 0x4000_0000

/// Two network namespaces joined by a veth pair: "probe" (10.213.x.2/24 on `probeInterface`) and
/// "gateway" (10.213.x.1/24 on `gatewayInterface`, which answers ARP like an upstream router).
/// Names carry the test process id so parallel runs do not collide.
final class NetworkNamespacePair: Sendable {
    let probeNamespace: String
    let gatewayNamespace: String
    let probeInterface: String
    let gatewayInterface: String
    let gatewayAddress: [UInt8]
    private let probeNamespaceFD: Int32

    var gatewayCIDR: String { gatewayAddress.map(String.init).joined(separator: ".") + "/24" }

    /// Makes both namespaces and the veth pair; on failure removes whatever it made.
    init() throws {
        let id = getpid() % 100_000
        probeNamespace = "vipchk-p\(id)"
        gatewayNamespace = "vipchk-g\(id)"
        probeInterface = "vck\(id)p"
        gatewayInterface = "vck\(id)g"
        let subnet = UInt8(100 + id % 100)
        gatewayAddress = [10, 213, subnet, 1]
        let probeCIDR = "10.213.\(subnet).2/24"

        try mustRun(["ip", "netns", "add", probeNamespace])
        do {
            try mustRun(["ip", "netns", "add", gatewayNamespace])
            try mustRun(["ip", "-n", probeNamespace, "link", "add", probeInterface, "type", "veth",
                         "peer", "name", gatewayInterface, "netns", gatewayNamespace])
            try mustRun(["ip", "-n", probeNamespace, "addr", "add", probeCIDR, "dev", probeInterface])
            try mustRun(["ip", "-n", gatewayNamespace, "addr", "add",
                         gatewayAddress.map(String.init).joined(separator: ".") + "/24", "dev", gatewayInterface])
            for (namespace, interface) in [(probeNamespace, probeInterface), (gatewayNamespace, gatewayInterface)] {
                try mustRun(["ip", "-n", namespace, "link", "set", interface, "up"])
                try mustRun(["ip", "-n", namespace, "link", "set", "lo", "up"])
            }
            let fd = open("/run/netns/\(probeNamespace)", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw TestSetupError("open /run/netns/\(probeNamespace): errno \(errno)") }
            probeNamespaceFD = fd
        } catch {
            _ = try? shell(["ip", "netns", "del", probeNamespace])
            _ = try? shell(["ip", "netns", "del", gatewayNamespace])
            throw error
        }
    }

    /// Whether this machine lets us make network namespaces at all; nil when it does.
    static func unavailableReason() -> String? {
        let name = "vipchk-try\(getpid() % 100_000)"
        guard let (status, output) = try? shell(["ip", "netns", "add", name]) else {
            return "the `ip` command could not be run"
        }
        guard status == 0 else { return "`ip netns add` failed (needs root and CAP_SYS_ADMIN): \(output)" }
        _ = try? shell(["ip", "netns", "del", name])
        return nil
    }

    /// Moves the calling thread into the probe namespace (threads created from it stay there).
    @Sendable func enterProbeNamespace() throws {
        guard c_setns(probeNamespaceFD, cloneNewNet) == 0 else {
            throw TestSetupError("setns into \(probeNamespace): \(String(cString: strerror(errno)))")
        }
    }

    func gatewayMAC() throws -> String {
        try mustRun(["ip", "netns", "exec", gatewayNamespace, "cat", "/sys/class/net/\(gatewayInterface)/address"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func removeGatewayAddress() throws {
        try mustRun(["ip", "-n", gatewayNamespace, "addr", "del", gatewayCIDR, "dev", gatewayInterface])
    }

    func destroy() {
        close(probeNamespaceFD)
        _ = try? shell(["ip", "netns", "del", probeNamespace])
        _ = try? shell(["ip", "netns", "del", gatewayNamespace])
    }
}
