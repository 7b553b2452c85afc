import Foundation

/// Reading a lab node's status document and metrics (issue 12 tests).
extension Lab {
    /// m<i>'s `vipctl status --json`, nil when it does not answer with a JSON object.
    func statusDocument(_ i: Int) -> [String: Any]? {
        let out = vipctl(i, "status --json")
        guard out.status == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(out.output.utf8))) as? [String: Any]
    }

    /// m<i>'s VIP entry in `vipctl status --json`.
    func vipStatus(_ i: Int) -> [String: Any]? {
        (statusDocument(i)?["vips"] as? [[String: Any]])?.first
    }

    func state(_ i: Int) -> String? { vipStatus(i)?["state"] as? String }

    /// The transitions m<i> counted (status counters).
    func transitions(_ i: Int) -> Int? {
        (statusDocument(i)?["counters"] as? [String: Any])?["transitions"] as? Int
    }

    /// One sample of m<i>'s /metrics (served on 127.0.0.1:9450 in its namespace), nil if none.
    func metric(_ i: Int, _ series: String) -> Double? {
        let script = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9450/metrics', timeout=2).read().decode())"
        let out = ns("m\(i)", "python3 -c \"\(script)\"").output
        for line in out.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}

/// Every ARP frame of a pcap file (tcpdump -w), as (Ethernet source, ARP sender MAC, sender IP).
func arpFrames(inPcap path: String) -> [(source: String, senderMAC: String, senderIP: String)] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let b = [UInt8](data)
    func mac(_ at: Int) -> String { b[at..<at + 6].map { String(format: "%02x", $0) }.joined(separator: ":") }
    var frames: [(String, String, String)] = []
    var offset = 24  // file header
    while offset + 16 <= b.count {
        let length = Int(b[offset + 8]) | Int(b[offset + 9]) << 8 | Int(b[offset + 10]) << 16 | Int(b[offset + 11]) << 24
        let start = offset + 16
        guard start + length <= b.count else { break }
        if length >= 42, b[start + 12] == 0x08, b[start + 13] == 0x06 {
            frames.append((mac(start + 6), mac(start + 22), b[start + 28..<start + 32].map(String.init).joined(separator: ".")))
        }
        offset = start + length
    }
    return frames
}
