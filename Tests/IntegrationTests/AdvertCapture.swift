import Foundation

/// The election datagrams each master puts on the wire, captured by one tcpdump per bridge port
/// (`p-m<i>`, inbound: what m<i> sent, each frame once) with the kernel's timestamps, so a
/// starved tcpdump does not blur them.
struct AdvertCapture {
    let lab: Lab
    let port: Int
    private var dumps: [Int: Process] = [:]

    init(lab: Lab, port: Int = 5450) throws {
        self.lab = lab
        self.port = port
        for i in 1...lab.count {
            dumps[i] = try lab.helper(in: "br", ["tcpdump", "-i", "p-m\(i)", "-Q", "in", "-n", "-U", "-w", file(i),
                                                 "udp port \(port)"], log: "tcpdump-m\(i).log")
        }
        let ready = waitFor(10) {
            (1...lab.count).allSatisfy { i in
                ((try? String(contentsOf: lab.dir.appendingPathComponent("tcpdump-m\(i).log"), encoding: .utf8)) ?? "")
                    .contains("listening on")
            }
        }
        if ready == nil { throw LabError("tcpdump did not start on every bridge port") }
    }

    private func file(_ i: Int) -> String { lab.dir.appendingPathComponent("adverts-m\(i).pcap").path }

    /// Stops the captures; per sender, the capture times (seconds) of its datagrams per destination.
    func stop() -> [Int: [String: [Double]]] {
        for p in dumps.values where p.isRunning { kill(p.processIdentifier, SIGINT) }
        for p in dumps.values { p.waitUntilExit() }
        return dumps.keys.reduce(into: [:]) { $0[$1] = udpTimes(inPcap: file($1), port: port) }
    }
}

/// The gaps between successive datagrams of one stream, summarised (milliseconds).
struct GapSummary: CustomStringConvertible {
    let datagrams: Int
    let median: Double
    let p99: Double
    let worst: Double

    /// Summarises the gaps of several streams together (the worst is the worst of any stream).
    init(streams: [[Double]]) {
        let gaps = streams.flatMap { times -> [Double] in
            let sorted = times.sorted()
            return zip(sorted.dropFirst(), sorted).map { ($0 - $1) * 1000 }
        }.sorted()
        datagrams = streams.map(\.count).reduce(0, +)
        median = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
        p99 = gaps.isEmpty ? 0 : gaps[min(gaps.count - 1, gaps.count * 99 / 100)]
        worst = gaps.last ?? 0
    }

    var description: String {
        String(format: "%d datagrams, gap median %.1f ms, p99 %.1f ms, worst %.1f ms", datagrams, median, p99, worst)
    }
}

/// The capture times of the IPv4 UDP datagrams to `port` in a pcap file, by destination address.
/// Ethernet (tcpdump on one interface) or Linux cooked captures (v1 and v2, `-i any`).
func udpTimes(inPcap path: String, port: Int) -> [String: [Double]] {
    guard let data = FileManager.default.contents(atPath: path), data.count >= 24 else { return [:] }
    let b = [UInt8](data)
    func u32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
    let nanoseconds = u32(0) == 0xa1b2_3c4d
    let (header, typeAt): (Int, Int) = switch u32(20) {
    case 113: (16, 14)   // LINUX_SLL
    case 276: (20, 0)    // LINUX_SLL2
    default: (14, 12)    // EN10MB
    }
    var times: [String: [Double]] = [:]
    var offset = 24
    while offset + 16 <= b.count {
        let length = u32(offset + 8)
        let start = offset + 16
        guard start + length <= b.count else { break }
        let time = Double(u32(offset)) + Double(u32(offset + 4)) / (nanoseconds ? 1e9 : 1e6)
        let ip = start + header
        if length >= header + 28, b[start + typeAt] == 0x08, b[start + typeAt + 1] == 0x00, b[ip] >> 4 == 4, b[ip + 9] == 17 {
            let udp = ip + Int(b[ip] & 0x0f) * 4
            if udp + 4 <= start + length, Int(b[udp + 2]) << 8 | Int(b[udp + 3]) == port {
                times[b[ip + 16..<ip + 20].map(String.init).joined(separator: "."), default: []].append(time)
            }
        }
        offset = start + length
    }
    return times
}
