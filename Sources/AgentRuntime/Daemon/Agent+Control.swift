import Foundation
import NIOCore
import StatusProtocol

/// What `vipctl` can ask, from any thread.
extension Agent {
    func currentStatus() async -> StatusDocument {
        (try? await loop.submit { self.statusDocument() }.get()) ?? StatusDocument(node: identity.name, version: "")
    }

    func currentHistory() async -> [HistoryEntry] {
        (try? await loop.submit { self.history.entries }.get()) ?? []
    }

    /// `vipctl step-down [--vip NAME]`: hand over now. The answer names what happened per VIP.
    func stepDown(vip: String?) async -> ControlResponse {
        let result = try? await loop.submit { () -> ControlResponse in
            let chosen = vip.map { name in self.groups.filter { $0.name == name } } ?? self.groups
            if let vip, chosen.isEmpty {
                let known = self.groups.map(\.name).joined(separator: ", ")
                return .error("no VIP named \"\(vip)\" (this agent has: \(known))")
            }
            var lines: [String] = []
            for group in chosen {
                let notices = group.stepDown()
                lines.append("\(group.name): \(notices.joined(separator: "; "))")
                self.logger.notice("\(group.name): step-down requested: \(notices.joined(separator: "; "))",
                                   metadata: ["vip": "\(group.name)"])
            }
            self.observers.changed()
            return .message(lines.joined(separator: "\n"))
        }.get()
        return result ?? .error("the agent is shutting down")
    }
}
