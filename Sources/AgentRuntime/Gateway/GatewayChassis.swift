import AgentConfig
import Logging
import OVSDB

/// This node's chassis name for the gateway group: configured, or (`auto`) the
/// `external_ids:system-id` of the local Open_vSwitch database, as ovn-controller uses it.
enum GatewayChassis {
    static let localOVSDB = "unix:/run/openvswitch/db.sock"

    static func resolve(_ config: ExternalGatewayConfig?, logger: Logger) async throws -> String? {
        guard let config else { return nil }
        guard config.chassis == ExternalGatewayConfig.autoChassis else { return config.chassis }
        do {
            let id = try await readLocalChassisID(ovsdbSocket: localOVSDB, logger: logger)
            logger.info("externalGateway.chassis auto: this node is chassis \(id) (from \(localOVSDB))")
            return id
        } catch {
            throw AgentStartError("externalGateway.chassis: auto: cannot read external_ids:system-id from \(localOVSDB): \(error); set the chassis name explicitly")
        }
    }
}
