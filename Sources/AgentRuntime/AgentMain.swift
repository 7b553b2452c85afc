import AgentConfig

public enum AgentMain {
    public static func run(configuration: Configuration, configPath: String) async throws -> Int32 {
        print("agent not wired yet")
        return 1
    }
}
