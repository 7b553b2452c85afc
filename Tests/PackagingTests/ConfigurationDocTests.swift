import BasicTypes
import XCTest
@testable import AgentConfig

/// docs/configuration.md documents every key the loader accepts, so the reference cannot fall
/// behind the code.
final class ConfigurationDocTests: XCTestCase {
    func testEveryConfigurationKeyIsDocumented() throws {
        let doc = try RepositoryFiles.text("docs/configuration.md")
        let sections: [(String, [String])] = [
            ("top level", ConfigLoader.topLevelKeys),
            ("cluster", ClusterSection.keys),
            ("vips[]", VIPSection.keys),
            ("healthChecks[]", HealthCheckSection.keys),
            ("announce", SettingsSections.announceKeys),
            ("status", SettingsSections.statusKeys),
            ("host", SettingsSections.hostKeys),
            ("externalGateway", ExternalGatewaySection.keys),
            ("externalGateway.tls", ExternalGatewaySection.tlsKeys),
        ]
        for (section, keys) in sections {
            for key in keys {
                XCTAssertTrue(doc.contains("| `\(key)` |"), "docs/configuration.md has no row for \(section) key `\(key)`")
            }
        }
    }

    func testDocumentedDefaultsMatchTheCode() throws {
        let doc = try RepositoryFiles.text("docs/configuration.md")
        let expectedRows = [
            "| `port` | `\(ClusterConfig.defaultPort)` |",
            "| `startupGrace` | `\(Configuration.defaultStartupGrace.components.seconds)s` |",
            "| `socket` | `\(StatusConfig.defaultSocket)` |",
            "| `metrics` | `\(StatusConfig.defaultMetrics)` |",
            "| `logicalRouterPort` | `\(ExternalGatewayConfig.defaultLogicalRouterPort)` |",
        ]
        for row in expectedRows {
            XCTAssertTrue(doc.contains(row), "docs/configuration.md lacks \(row)")
        }
        let vip = VIPConfig(name: "x", address: IPAddress("10.0.0.1")!, prefixLength: 24, routerId: 1)
        XCTAssertTrue(doc.contains("| `stepDownHold` | `\(vip.stepDownHold.components.seconds)s` |"))
        XCTAssertTrue(doc.contains("| `priority` | `\(vip.priority)` |"))
    }
}
