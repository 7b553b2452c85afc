import Foundation
import StatusProtocol

/// The last transitions of every VIP, oldest first, bounded.
struct HistoryLog {
    let capacity: Int
    private(set) var entries: [HistoryEntry] = []

    init(capacity: Int = 256) { self.capacity = capacity }

    mutating func append(_ entry: HistoryEntry) {
        entries.append(entry)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }
}
