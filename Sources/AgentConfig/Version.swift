/// The version `vip-agent --version` prints and the status document reports.
public enum VIPAgentVersion {
    public static let current = "0.1.0"
}
