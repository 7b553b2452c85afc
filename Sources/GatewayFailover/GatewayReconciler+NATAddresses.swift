import OVSDB

/// The master makes OVN announce each router port's addresses and its router's NAT (EIP, SNAT)
/// addresses from whichever chassis becomes active (see NATAddressAnnouncement). Once per port
/// and connection.
extension GatewayReconciler {
    func ensureNATAddresses(_ index: Int, client: OVSDBClient) async {
        let port = ports[index].name
        do {
            let (peers, changed) = try await NATAddressAnnouncement.ensure(routerPort: port, client: client)
            // No peer yet (the external switch is created later): look again on the next change.
            ports[index].natAddressesEnsured = !peers.isEmpty
            ports[index].natAddressPorts = peers
            if !changed.isEmpty {
                logger.notice("set options:nat-addresses=router on the external switch's router port, so that the active chassis announces the NAT addresses",
                              metadata: ["lrp": "\(port)", "lsp": "\(changed.joined(separator: ","))"])
            }
        } catch {
            logger.warning("ensuring options:nat-addresses=router failed; retried on the next change",
                           metadata: ["lrp": "\(port)", "error": "\(error)"])
        }
    }
}
