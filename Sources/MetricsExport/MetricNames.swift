import ElectionProtocol
import Prometheus

/// The names, help texts and label vocabularies of every metric vip-agent exports. Pure data.
///
/// Every name lives in the `vip_agent_` namespace and ends with its unit (`_total` for counters,
/// `_seconds` for durations), as the Prometheus naming conventions ask.
public enum MetricNames {
    public static let namespace = "vip_agent"

    /// The states a VIP can be in (`vip_agent_vip_state{state}`).
    public static let states = ["INIT", "BACKUP", "MASTER", "FAULT"]

    /// Why an election packet was dropped (`vip_agent_packets_dropped_total{reason}`): every case
    /// of the election's own `DropReason`, so a new reason is exported from the start without a
    /// second list to keep in step.
    public static let dropReasons: [String] = DropReason.allCases.map(\.rawValue)

    /// Upper bounds of the check duration histogram, in seconds.
    public static let checkDurationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    static var buildInfo: MetricNameDescriptor {
        descriptor("build_info", unit: "",
                                      "Always 1; the version label is the running vip-agent's.")
    }
    static var vipState: MetricNameDescriptor {
        descriptor("vip_state", unit: "", "1 for the current state of the VIP, 0 for the others.")
    }
    static var transitions: MetricNameDescriptor {
        descriptor("transitions", unit: "total", "State transitions of the VIP, by new state.")
    }
    static var advertsSent: MetricNameDescriptor {
        descriptor("adverts_sent", unit: "total", "Election adverts sent for the VIP.")
    }
    static var advertsReceived: MetricNameDescriptor {
        descriptor("adverts_received", unit: "total",
                                            "Valid election adverts received for the VIP.")
    }
    static var packetsDropped: MetricNameDescriptor {
        descriptor("packets_dropped", unit: "total",
                                           "Election packets dropped, by reason.")
    }
    static var garpsSent: MetricNameDescriptor {
        descriptor("garps_sent", unit: "total",
                                      "Gratuitous ARP / unsolicited neighbour advertisements sent for the VIP.")
    }
    static var addressConflicts: MetricNameDescriptor {
        descriptor("address_conflicts", unit: "total",
                   "Address conflicts found for the VIP: another host (not an agent) answering ARP for it.")
    }
    static var effectivePriority: MetricNameDescriptor {
        descriptor("effective_priority", unit: "",
                                              "Priority this node currently advertises for the VIP.")
    }
    static var checkHealthy: MetricNameDescriptor {
        descriptor("check_healthy", unit: "",
                                         "1 when the health check passes (after rise/fall), 0 otherwise.")
    }
    static var checkRuns: MetricNameDescriptor {
        descriptor("check_runs", unit: "total", "Health check probes run, by result.")
    }
    static var checkDuration: MetricNameDescriptor {
        descriptor("check_duration", unit: "seconds", "Duration of health check probes.")
    }
    static var sendErrors: MetricNameDescriptor {
        descriptor("send_errors", unit: "total",
                                       "Election adverts the kernel refused to send, by peer.")
    }
    static var gatewayConnected: MetricNameDescriptor {
        descriptor("gateway_nb_connected", unit: "",
                                             "1 while connected to the OVN northbound database, 0 otherwise.")
    }
    static var hostProblems: MetricNameDescriptor {
        descriptor("host_problems", unit: "", "Host network problems found, by kind (see vipctl status).")
    }
    static var conflicts: MetricNameDescriptor {
        descriptor("conflicts", unit: "", "Conflicts with peers now, by kind (duplicate name, key mismatch, disagreeing group; see vipctl status).")
    }
    /// Every kind of conflict with a peer, present (at 0) from the start.
    public static let conflictKinds = ["duplicateName", "authentication", "vipMismatch", "intervalMismatch", "oldVersion", "addressConflict"]
    static var evidenceSaves: MetricNameDescriptor {
        descriptor("evidence_saves", unit: "total",
                   "Times this node did not hear the master for 3 intervals but peers did, so it stayed BACKUP.")
    }
    /// Every kind of host problem, present (at 0) from the start.
    public static let hostProblemKinds = ["duplicateAddress", "defaultRouteOnEnslavedPort", "vipMACMismatch"]
    static var gatewayWrites: MetricNameDescriptor {
        descriptor("gateway_writes", unit: "total",
                                          "Gateway_Chassis priority writes to the OVN northbound database, by result.")
    }

    private static func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: namespace, metricName: name, unitName: unit, helpText: help)
    }
}
