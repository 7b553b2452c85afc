import AgentConfig
import Logging

/// SIGHUP: the configuration file is read and validated again. A bad file keeps the running
/// configuration and every problem is logged. Applying a changed file to the running groups is
/// not done yet: the agent says so and keeps serving with what it runs (restart to apply).
enum ConfigReload {
    static func check(path: String, running: Configuration, logger: Logger) {
        switch ConfigLoader.load(path: path) {
        case .failure(let problems):
            logger.error("SIGHUP: \(path) has \(problems.problems.count) problem(s); keeping the running configuration")
            for problem in problems.problems { logger.error("SIGHUP: \(problem.description)") }
        case .success(let fresh) where fresh == running:
            logger.notice("SIGHUP: \(path) is unchanged")
        case .success:
            logger.warning("SIGHUP: \(path) is valid but changed; live reload is not implemented yet, so the running configuration stays until the agent restarts")
        }
    }
}
