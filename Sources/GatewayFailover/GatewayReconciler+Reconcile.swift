import Foundation
import OVSDB

/// Planning and writing: one write at a time, re-planned from the latest rows after each.
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

    private func reconcileOnce() async {
        guard isMaster, nbState.isConnected, let store, let view else { return }
        if !natAddressesEnsured { await ensureNATAddresses(store.client) }
        let plan = GatewayPlan(masterChassis: settings.ownChassis, ranking: ranking, rows: view.rows)
        reportMissing(plan.membersWithoutRow)
        let restoring = lastOrder.map { Self.agree(plan.order, $0) } ?? false
        logger.debug("gateway plan", metadata: ["current": "\(plan.currentOrder)", "wanted": "\(plan.order)",
                                                "write": "\(plan.needsWrite)", "restoring": "\(restoring)"])
        guard plan.needsWrite else {
            // The rows already rank as we wish. Keep the fuller order we wrote while rows are being
            // re-created one by one; adopt the present order when our wish changed.
            if !restoring { lastOrder = plan.order }
            retryDelay = settings.conflictRetryDelay
            return
        }
        let now = ContinuousClock.now
        if !restoring, let last = lastReorderAt, now < last + settings.minHoldTime {
            if retryTimer == nil {
                counters.held += 1
                logger.info("gateway reorder held back by minHoldTime",
                            metadata: ["lrp": "\(settings.logicalRouterPort)", "order": "\(plan.order)",
                                       "minHoldTime": "\(settings.minHoldTime)"])
            }
            scheduleRetry(after: last + settings.minHoldTime - now)
            return
        }
        let description = plan.order.joined(separator: " > ")
        let generation = viewGeneration
        do {
            try await store.write(plan, over: view,
                                  comment: "vip-agent on \(settings.ownChassis): gateway order \(description)")
        } catch let error as OVSDBError where error.isWaitConflict {
            counters.conflicts += 1
            record(.conflict, text: "conflict: the rows changed under us; planning again")
            logger.info("gateway rows changed by another writer, planning again",
                        metadata: ["lrp": "\(settings.logicalRouterPort)"])
            scheduleRetry(after: settings.conflictRetryDelay)
            return
        } catch {
            guard self.store != nil else { return }  // stopped while writing
            counters.failed += 1
            record(.failed("\(error)"), text: "failed: \(error)")
            logger.error("writing gateway chassis priorities failed",
                         metadata: ["lrp": "\(settings.logicalRouterPort)", "order": "\(description)",
                                    "error": "\(error)"])
            scheduleRetry(after: retryDelay)
            retryDelay = min(retryDelay * 2, settings.maxRetryDelay)
            return
        }
        counters.succeeded += 1
        if !restoring { lastReorderAt = now }
        if !restoring || plan.order.count >= (lastOrder?.count ?? 0) { lastOrder = plan.order }
        retryDelay = settings.conflictRetryDelay
        record(.succeeded(order: plan.order), text: "ok: \(description)")
        logger.notice("gateway chassis priorities written",
                      metadata: ["lrp": "\(settings.logicalRouterPort)", "order": "\(description)",
                                 "restoring": "\(restoring)"])
        // Reflect our committed write until the monitor echoes it, unless newer rows arrived meanwhile.
        if viewGeneration == generation { applyLocally(plan) }
    }

    /// True when the chassis both orders name come in the same relative order: going from one to the
    /// other restores an order rather than making a new one.
    static func agree(_ a: [String], _ b: [String]) -> Bool {
        let common = Set(a).intersection(b)
        return a.filter(common.contains) == b.filter(common.contains)
    }

    /// Our write is committed; reflect it before the monitor echoes it, so the next plan starts from it.
    private func applyLocally(_ plan: GatewayPlan) {
        guard var current = view else { return }
        for change in plan.changes {
            if let index = current.rows.firstIndex(where: { $0.uuid == change.row.uuid }) {
                current.rows[index].priority = change.priority
            }
        }
        current.rows.sort { ($0.priority, $1.chassisName) > ($1.priority, $0.chassisName) }
        view = current
    }

    private func record(_ outcome: GatewayWriteOutcome, text: String) {
        lastWrite = Date()
        lastWriteResult = text
        writeObserver?(outcome)
        publishStatus()
    }

    private func reportMissing(_ missing: [String]) {
        guard missing != missingReported else { return }
        missingReported = missing
        if !missing.isEmpty {
            logger.warning("gateway members have no Gateway_Chassis row on the router port; they cannot take over",
                           metadata: ["lrp": "\(settings.logicalRouterPort)", "members": "\(missing)"])
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
