import Foundation

/// What a client's `ping -D` log says: the answered pings, the sequence numbers never answered
/// between the first and the last answer, and the longest time between two answers.
struct PingLog {
    let answers: Int
    let lost: [Int]
    /// Milliseconds; infinity with fewer than two answers.
    let gap: Double

    init(path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let answered = text.split(separator: "\n").filter { $0.contains("bytes from") }.compactMap { line -> (Double, Int)? in
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
                  let t = Double(line[line.index(after: open)..<close]),
                  let seq = line.split(separator: " ").first(where: { $0.hasPrefix("icmp_seq=") })
                      .flatMap({ Int($0.dropFirst("icmp_seq=".count)) }) else { return nil }
            return (t, seq)
        }
        let seqs = Set(answered.map(\.1))
        let sent = (seqs.min() ?? 0)...(seqs.max() ?? 0)
        answers = answered.count
        lost = sent.filter { !seqs.contains($0) }
        gap = zip(answered, answered.dropFirst()).map { ($1.0 - $0.0) * 1000 }.max() ?? .infinity
    }
}
