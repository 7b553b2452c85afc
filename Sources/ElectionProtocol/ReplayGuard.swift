/// Refuses adverts that are not newer than the last one accepted from the same sender.
///
/// Keyed by the authenticated node name. A sender's epoch only grows (it is taken from the wall
/// clock at start), so a restarted peer is accepted at once while a recording of its previous
/// life is refused.
public struct ReplayGuard: Sendable {
    private var last: [String: (epoch: UInt64, sequence: UInt64)] = [:]

    public init() {}

    /// True (and remembered) when the advert is newer than anything seen from its sender.
    public mutating func admit(_ advert: Advert) -> Bool {
        let name = advert.body.nodeName
        if let seen = last[name] {
            if advert.epoch < seen.epoch { return false }
            if advert.epoch == seen.epoch && advert.sequence <= seen.sequence { return false }
        }
        last[name] = (advert.epoch, advert.sequence)
        return true
    }
}
