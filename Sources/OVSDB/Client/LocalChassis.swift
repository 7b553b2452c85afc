import Logging

/// The chassis name of this host: `external_ids:system-id` of the local Open_vSwitch database, the
/// name ovn-controller registers in the southbound database and Kube-OVN puts in `Gateway_Chassis`.
public func readLocalChassisID(ovsdbSocket: String = "unix:/run/openvswitch/db.sock",
                               logger: Logger = Logger(label: "ovsdb.local-chassis")) async throws -> String {
    let remotes = try OVSDBRemote.parseList(ovsdbSocket)
    let client = OVSDBClient(remotes: remotes, logger: logger,
                             options: OVSDBClientOptions(requestTimeout: .seconds(5), maxBackoff: .seconds(1)))
    do {
        let systemID = try await readSystemID(client, socket: ovsdbSocket)
        await client.close()
        return systemID
    } catch {
        await client.close()
        throw error
    }
}

private func readSystemID(_ client: OVSDBClient, socket ovsdbSocket: String) async throws -> String {
    try await client.connect()
    let results = try await client.transact(
        database: "Open_vSwitch",
        operations: [.select("Open_vSwitch", columns: ["external_ids"])])
    guard let row = results.first?.rows?.first else {
        throw OVSDBError.notFound("no Open_vSwitch row in \(ovsdbSocket)")
    }
    guard let ids = row["external_ids"]?.ovsdbStringMap else {
        throw OVSDBError.protocolViolation("Open_vSwitch external_ids in \(ovsdbSocket) is not a string map")
    }
    guard let systemID = ids["system-id"], !systemID.isEmpty else {
        throw OVSDBError.notFound("external_ids:system-id is not set in \(ovsdbSocket) (is ovn-controller configured?)")
    }
    return systemID
}
