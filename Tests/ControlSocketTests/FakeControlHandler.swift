import ControlSocket
import Foundation
import StatusProtocol

/// A ControlHandler with a settable document, a fixed history and recorded step-down requests.
final class FakeControlHandler: ControlHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var document: StatusDocument
    private var subscribers: [UUID: AsyncStream<StatusDocument>.Continuation] = [:]
    private var stepDowns: [String?] = []
    let entries: [HistoryEntry]

    init(document: StatusDocument, history: [HistoryEntry] = []) {
        self.document = document
        self.entries = history
    }

    func status() async -> StatusDocument {
        lock.withLock { document }
    }

    func history() async -> [HistoryEntry] {
        entries
    }

    func stepDown(vip: String?) async -> ControlResponse {
        lock.withLock { stepDowns.append(vip) }
        if let vip, vip == "unknown" { return .error("no VIP named \"unknown\"") }
        return .message("\(vip ?? "all VIPs"): handed over")
    }

    func statusUpdates() -> AsyncStream<StatusDocument> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: StatusDocument.self)
        continuation.onTermination = { [weak self] _ in
            self?.lock.withLock { _ = self?.subscribers.removeValue(forKey: id) }
        }
        lock.withLock { subscribers[id] = continuation }
        return stream
    }

    /// Replaces the document and tells every watcher.
    func publish(_ doc: StatusDocument) {
        let targets = lock.withLock { () -> [AsyncStream<StatusDocument>.Continuation] in
            document = doc
            return Array(subscribers.values)
        }
        for continuation in targets { continuation.yield(doc) }
    }

    var subscriberCount: Int { lock.withLock { subscribers.count } }
    var stepDownRequests: [String?] { lock.withLock { stepDowns } }
}

enum Fixture {
    static func document(node: String = "m1", state: String = "MASTER", vips: Int = 1) -> StatusDocument {
        StatusDocument(
            node: node, version: "test",
            vips: (0..<vips).map { i in
                VIPStatus(name: i == 0 ? "api" : "vip\(i)", address: "10.77.0.\(100 + i % 100)/24", state: state,
                          interface: "eno1", configuredInterface: "eno1", priority: 150, effectivePriority: 150,
                          master: MasterRef(node: node, address: "10.77.0.11"), since: "2026-11-22T18:00:00Z",
                          reason: "no advert for 326ms")
            },
            checks: [CheckStatus(name: "apiserver", healthy: true, since: "2026-11-22T17:59:00Z", detail: "200 OK")],
            peers: [PeerStatus(address: "10.77.0.12", node: "m2", lastSeen: "2026-11-22T18:00:01Z",
                               state: "BACKUP", priority: 140)],
            counters: Counters(advertsSent: 12, advertsReceived: 30, transitions: 2))
    }

    static let history = [
        HistoryEntry(time: "2026-11-22T17:59:58Z", vip: "api", from: "INIT", to: "BACKUP", reason: "started"),
        HistoryEntry(time: "2026-11-22T18:00:00Z", vip: "api", from: "BACKUP", to: "MASTER",
                     reason: "no advert for 326ms"),
    ]
}
