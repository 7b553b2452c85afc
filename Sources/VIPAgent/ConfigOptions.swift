import AgentConfig
import ArgumentParser

/// `--config FILE`, shared by `run` and `validate`.
struct ConfigOptions: ParsableArguments {
    @Option(name: [.customLong("config"), .customShort("c")],
            help: ArgumentHelp("The YAML configuration file.", valueName: "FILE"))
    var path: String

    /// The loaded configuration; on problems prints each on its own line (stdout, so that
    /// scripts capture them) and throws exit code 2.
    func loadOrExit() throws -> Configuration {
        switch ConfigLoader.load(path: path) {
        case .success(let configuration):
            return configuration
        case .failure(let problems):
            for problem in problems.problems {
                print(problem.description)
            }
            throw ExitCode(2)
        }
    }
}
