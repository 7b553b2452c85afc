import StatusProtocol

/// When the agent has done what it does only once after start, so that the code pages only that
/// needed can be given back a second time (`StartupPages`): the first release comes before the
/// first election and the first check, and what those ran once (a TLS handshake and the
/// certificate checks of an HTTPS check with a kept-alive connection, the OVN northbound
/// connection and its first snapshot, the first claim) would otherwise stay resident.
enum WarmUp {
    /// Settled: every VIP left INIT, every check has run once, and the gateway group (when
    /// configured) reached the northbound database.
    static func isSettled(_ status: StatusDocument) -> Bool {
        status.vips.allSatisfy { $0.state != "INIT" }
            && status.checks.allSatisfy { $0.successes + $0.failures > 0 }
            && (status.gateway.map(\.nbConnected) ?? true)
    }

    /// How often `isSettled` is asked after start, and for how long at most (a check that never
    /// ends or an unreachable northbound database must not keep the start-up pages for ever).
    static let pollEvery: Duration = .seconds(1)
    static let longest: Duration = .seconds(60)
    /// Settled, the agent runs a few more rounds of everything before the release (measured with
    /// bench/footprint: a release at once kept 2.6 MiB more code resident than one 5 s later).
    static let afterSettled: Duration = .seconds(5)

    /// Waits until the agent has settled (or `longest` passed); false when cancelled first.
    static func settled(_ agent: AgentHandle) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + longest
        while clock.now < end {
            do { try await Task.sleep(for: pollEvery) } catch { return false }
            if let status = try? await agent.onLoop({ $0.statusDocument() }), isSettled(status) {
                do { try await Task.sleep(for: afterSettled) } catch { return false }
                return true
            }
        }
        return !Task.isCancelled
    }
}
