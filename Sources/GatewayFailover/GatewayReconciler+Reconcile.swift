import Foundation
import OVSDB

/// Planning and writing: one pass at a time over every router port, each port re-planned from its
/// latest rows; a port's write never waits for another port's hold, conflict or failure.
extension GatewayReconciler {
    func reconcile() {
        dirty = true
        guard !writing else { return }
        writing = true
        Task { await self.drain() }
    }

    private func drain() async {
        while dirty {
            dirty = false
            await reconcileOnce()
        }
        writing = false
    }

    /// Every port from the same election result; then one timer for the earliest retry any port asked for.
    private func reconcileOnce() async {
        var retry: Duration?
        for index in ports.indices {
            guard isMaster, nbState.isConnected, let client else { return }
            if let delay = await reconcilePort(index, client: client) {
                retry = min(retry ?? delay, delay)
            }
        }
        if let retry { scheduleRetry(after: retry) }
    }

    /// Plans and writes one port; returns when it wants to be planned again (nil: on the next change).
    private func reconcilePort(_ index: Int, client: OVSDBClient) async -> Duration? {
        guard ports[index].view != nil else { return nil }  // missing: shown in status, planned when it appears
        let name = ports[index].name
        if !ports[index].natAddressesEnsured { await ensureNATAddresses(index, client: client) }
        guard isMaster, self.client != nil, let view = ports[index].view else { return nil }
        let plan = GatewayPlan(masterChassis: settings.ownChassis, ranking: ranking, rows: view.rows)
        reportMissing(index, plan.membersWithoutRow)
        let restoring = ports[index].lastOrder.map { Self.agree(plan.order, $0) } ?? false
        logger.debug("gateway plan", metadata: ["lrp": "\(name)", "current": "\(plan.currentOrder)",
                                                "wanted": "\(plan.order)", "write": "\(plan.needsWrite)",
                                                "restoring": "\(restoring)"])
        guard plan.needsWrite else {
            // The rows already rank as we wish. Keep the fuller order we wrote while rows are being
            // re-created one by one; adopt the present order when our wish changed.
            if !restoring { ports[index].lastOrder = plan.order }
            ports[index].retryDelay = settings.conflictRetryDelay
            ports[index].holding = false
            return nil
        }
        let now = ContinuousClock.now
        // Putting back the active chassis we wrote last, after another writer moved it (a master
        // that has just yielded, a controller), is defending our order, not a move: not held.
        let lastTop = ports[index].lastOrder?.first
        let defending = lastTop != nil && plan.currentOrder.first != lastTop && plan.order.first == lastTop
        if !restoring, !defending, let last = ports[index].lastReorderAt, now < last + settings.minHoldTime {
            if !ports[index].holding {
                ports[index].holding = true
                counters.held += 1
                logger.info("gateway reorder held back by minHoldTime",
                            metadata: ["lrp": "\(name)", "order": "\(plan.order)",
                                       "minHoldTime": "\(settings.minHoldTime)"])
            }
            return last + settings.minHoldTime - now
        }
        ports[index].holding = false
        let description = plan.order.joined(separator: " > ")
        let generation = ports[index].generation
        do {
            try await GatewayChassisStore(client: client, logicalRouterPort: name)
                .write(plan, over: view, comment: "vip-agent on \(settings.ownChassis): gateway order \(description) on \(name)")
        } catch let error as OVSDBError where error.isWaitConflict {
            counters.conflicts += 1
            record(index, .conflict, text: "conflict: the rows changed under us; planning again")
            logger.info("gateway rows changed by another writer, planning again", metadata: ["lrp": "\(name)"])
            return settings.conflictRetryDelay
        } catch {
            guard self.client != nil else { return nil }  // stopped while writing
            counters.failed += 1
            record(index, .failed("\(error)"), text: "failed: \(error)")
            logger.error("writing gateway chassis priorities failed",
                         metadata: ["lrp": "\(name)", "order": "\(description)", "error": "\(error)"])
            let delay = ports[index].retryDelay
            ports[index].retryDelay = min(delay * 2, settings.maxRetryDelay)
            return delay
        }
        counters.succeeded += 1
        if !restoring { ports[index].lastReorderAt = now }
        if !restoring || plan.order.count >= (ports[index].lastOrder?.count ?? 0) { ports[index].lastOrder = plan.order }
        ports[index].retryDelay = settings.conflictRetryDelay
        record(index, .succeeded(order: plan.order), text: "ok: \(description)")
        logger.notice("gateway chassis priorities written",
                      metadata: ["lrp": "\(name)", "order": "\(description)", "restoring": "\(restoring)"])
        // Reflect our committed write until the monitor echoes it, unless newer rows arrived meanwhile.
        if ports[index].generation == generation { applyLocally(plan, to: index) }
        return nil
    }

    /// True when the chassis both orders name come in the same relative order: going from one to the
    /// other restores an order rather than making a new one.
    static func agree(_ a: [String], _ b: [String]) -> Bool {
        let common = Set(a).intersection(b)
        return a.filter(common.contains) == b.filter(common.contains)
    }

    /// Our write is committed; reflect it before the monitor echoes it, so the next plan starts from it.
    private func applyLocally(_ plan: GatewayPlan, to index: Int) {
        guard var current = ports[index].view else { return }
        for change in plan.changes {
            if let row = current.rows.firstIndex(where: { $0.uuid == change.row.uuid }) {
                current.rows[row].priority = change.priority
            }
        }
        current.rows.sort { ($0.priority, $1.chassisName) > ($1.priority, $0.chassisName) }
        ports[index].view = current
    }

    private func record(_ index: Int, _ outcome: GatewayWriteOutcome, text: String) {
        ports[index].lastWrite = Date()
        ports[index].lastWriteResult = text
        writeObserver?(outcome)
        publishStatus()
    }

    private func reportMissing(_ index: Int, _ missing: [String]) {
        guard missing != ports[index].missingReported else { return }
        ports[index].missingReported = missing
        if !missing.isEmpty {
            logger.warning("gateway members have no Gateway_Chassis row on the router port; they cannot take over",
                           metadata: ["lrp": "\(ports[index].name)", "members": "\(missing)"])
        }
    }

    private func scheduleRetry(after delay: Duration) {
        retryTimer?.cancel()
        let sink = events
        retryTimer = Task {
            do { try await Task.sleep(for: delay) } catch { return }
            sink?.yield(.retry)
        }
    }
}
