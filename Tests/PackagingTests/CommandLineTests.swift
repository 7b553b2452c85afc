import AgentConfig
import Foundation
import XCTest

/// The built binaries' command line as operators meet it: one version, logging flags and
/// variables that refuse bad values with exit 2, and committed man pages and completions that
/// match the binaries (`scripts/generate-docs` regenerates them).
final class CommandLineTests: XCTestCase {
    private func binary(_ name: String) throws -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
        while url.pathExtension != "xctest" && url.path != "/" { url.deleteLastPathComponent() }
        let path = url.deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("\(name) is not built next to the tests (swift build --build-tests builds it)")
        }
        return path
    }

    private func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ExternalTool.Result {
        try ExternalTool.run([try binary(name)] + arguments,
                             environment: ["VIP_AGENT_LOG_LEVEL": "", "VIP_AGENT_LOG_FORMAT": ""].merging(environment) { $1 }
                                .filter { !$0.value.isEmpty })
    }

    func testBothBinariesPrintTheOneVersion() throws {
        for name in ["vip-agent", "vipctl"] {
            let result = try run(name, ["--version"])
            XCTAssertEqual(result.status, 0, result.output)
            XCTAssertEqual(result.output, VIPAgentVersion.current + "\n", name)
        }
        // The docs show the same version.
        XCTAssertTrue(try RepositoryFiles.text("docs/kube-ovn.md").contains("vip-agent \(VIPAgentVersion.current)"))
    }

    func testBadLogFlagsAreRefusedWithExitTwo() throws {
        let level = try run("vip-agent", ["run", "--config", "/nonexistent.yaml", "--log-level", "verbose"])
        XCTAssertEqual(level.status, 2, level.output)
        XCTAssertTrue(level.output.contains("verbose"), level.output)
        XCTAssertTrue(level.output.contains("'debug'") && level.output.contains("'error'"), level.output)
        let format = try run("vip-agent", ["run", "--config", "/nonexistent.yaml", "--log-format", "xml"])
        XCTAssertEqual(format.status, 2, format.output)
        XCTAssertTrue(format.output.contains("'logfmt'") && format.output.contains("'json'"), format.output)
    }

    /// A bad VIP_AGENT_LOG_LEVEL used to become `info` without a word.
    func testBadLogVariablesAreRefusedWithExitTwo() throws {
        let level = try run("vip-agent", ["run", "--config", "/nonexistent.yaml"], environment: ["VIP_AGENT_LOG_LEVEL": "chatty"])
        XCTAssertEqual(level.status, 2, level.output)
        XCTAssertTrue(level.output.contains(#"VIP_AGENT_LOG_LEVEL: "chatty" is not one of debug, info, notice, warning, error"#), level.output)
        let format = try run("vip-agent", ["run", "--config", "/nonexistent.yaml"], environment: ["VIP_AGENT_LOG_FORMAT": "yaml"])
        XCTAssertEqual(format.status, 2, format.output)
        XCTAssertTrue(format.output.contains(#"VIP_AGENT_LOG_FORMAT: "yaml" is not one of text, logfmt, json"#), format.output)
        // Good values pass the log check and reach the configuration check (exit 2 for the missing file).
        let good = try run("vip-agent", ["run", "--config", "/nonexistent.yaml", "--log-level", "debug", "--log-format", "json"],
                           environment: ["VIP_AGENT_LOG_LEVEL": "chatty"])
        XCTAssertEqual(good.status, 2, good.output)
        XCTAssertFalse(good.output.contains("chatty"), "the flag wins over the variable: \(good.output)")
        XCTAssertTrue(good.output.contains("/nonexistent.yaml"), good.output)
    }

    func testCommittedCompletionsMatchTheBinaries() throws {
        for name in ["vip-agent", "vipctl"] {
            for (shell, file) in [("bash", "packaging/completions/\(name).bash"), ("zsh", "packaging/completions/_\(name)")] {
                let generated = try run(name, ["--generate-completion-script", shell])
                XCTAssertEqual(generated.status, 0, generated.output)
                XCTAssertEqual(try RepositoryFiles.text(file), generated.output,
                               "\(file) is stale: run scripts/generate-docs")
            }
        }
        XCTAssertTrue(try RepositoryFiles.text("packaging/completions/vip-agent.bash").contains("--log-format"))
    }

    func testManPagesAreSectionEightAndCoverTheCommands() throws {
        let agent = try RepositoryFiles.text("packaging/man/vip-agent.8")
        let vipctl = try RepositoryFiles.text("packaging/man/vipctl.8")
        XCTAssertTrue(agent.contains(".Dt VIP-AGENT 8"), String(agent.prefix(300)))
        XCTAssertTrue(vipctl.contains(".Dt VIPCTL 8"), String(vipctl.prefix(300)))
        for word in ["run", "validate", "cleanup", "log-level", "log-format", "config"] {
            XCTAssertTrue(agent.contains(word), "vip-agent(8) does not mention \(word)")
        }
        for word in ["status", "history", "step-down", "socket", "json", "watch"] {
            XCTAssertTrue(vipctl.contains(word), "vipctl(8) does not mention \(word)")
        }
    }
}
