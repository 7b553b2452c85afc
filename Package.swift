// swift-tools-version:6.0
// vip-agent runs on Linux only (netlink, libnet, libsystemd, AF_PACKET): no Apple platform is
// declared. Every target builds in the Swift 6 language mode (the tools version's default).
import PackageDescription

let package = Package(
    name: "vip-agent",
    products: [
        .executable(name: "vip-agent", targets: ["VIPAgent"]),
        .executable(name: "vipctl", targets: ["vipctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
    ],
    targets: [
        // System libraries, one shim each.
        .systemLibrary(name: "CNetlink", pkgConfig: "libnl-route-3.0",
                       providers: [.apt(["libnl-3-dev", "libnl-route-3-dev"])]),
        .systemLibrary(name: "CLibnet", providers: [.apt(["libnet1-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd",
                       providers: [.apt(["libsystemd-dev"])]),

        // Pure modules.
        .target(name: "BasicTypes"),
        .target(name: "ElectionProtocol",
                dependencies: ["BasicTypes", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "AgentConfig", dependencies: ["BasicTypes", "Yams"]),
        .target(name: "HostModel", dependencies: ["BasicTypes"]),
        .target(name: "NodeCore", dependencies: ["BasicTypes", "ElectionProtocol", "AgentConfig", "HostModel"]),
        .target(name: "StatusProtocol"),
        // Process-wide memory: the start-up's code pages given back once the agent runs.
        .target(name: "ProcessFootprint"),

        // Host and network I/O.
        .target(name: "HostPlumbing", dependencies: ["CNetlink", "BasicTypes", "HostModel"]),
        .target(name: "GratuitousARP", dependencies: ["CLibnet"]),
        // Host checks before start: stale VIP copies, capabilities, interfaces, the key file.
        .target(name: "HostPreflight",
                dependencies: ["AgentConfig", "BasicTypes", "HostModel", "HostPlumbing", .product(name: "Logging", package: "swift-log")]),
        .target(name: "HealthChecks",
                dependencies: [
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "Logging", package: "swift-log"),
                    "GratuitousARP", "BasicTypes",
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                ]),
        .target(name: "OVSDB",
                dependencies: [
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "NIOFoundationCompat", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ]),

        // Operator surfaces: the vipctl socket server, Prometheus export, systemd.
        .target(name: "ConnectionLimits",
                dependencies: [
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                ]),
        .target(name: "ControlSocket",
                dependencies: [
                    "StatusProtocol", "ConnectionLimits",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ]),
        .target(name: "MetricsExport",
                dependencies: [
                    "ElectionProtocol", "ConnectionLimits",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "Prometheus", package: "swift-prometheus"),
                    .product(name: "Logging", package: "swift-log"),
                ]),
        .target(name: "SystemdIntegration",
                dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),
        // Kube-OVN external gateway: OVN NB Gateway_Chassis priorities follow the election.
        .target(name: "GatewayFailover",
                dependencies: ["OVSDB", "StatusProtocol", .product(name: "Logging", package: "swift-log")]),

        // The daemon, wired from the modules above.
        .target(name: "AgentRuntime",
                dependencies: [
                    "NodeCore", "BasicTypes", "HostModel", "ElectionProtocol", "AgentConfig", "StatusProtocol", "HostPlumbing", "HostPreflight",
                    "GratuitousARP", "HealthChecks", "ControlSocket", "MetricsExport", "OVSDB", "GatewayFailover",
                    "SystemdIntegration", "ProcessFootprint",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOFoundationCompat", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "Prometheus", package: "swift-prometheus"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                ]),
        .executableTarget(name: "VIPAgent",
                          dependencies: [
                              "AgentRuntime", "AgentConfig", "SystemdIntegration", "HostPlumbing", "HostPreflight",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ]),
        .executableTarget(name: "vipctl",
                          dependencies: [
                              "StatusProtocol", "AgentConfig",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ]),

        // Tests: one target per module, plus the network-namespace suite.
        // Shared by the test targets: seeded randomness, shell, namespaces, ports, fixtures.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ElectionProtocolTests", dependencies: ["ElectionProtocol", "BasicTypes", "TestSupport"]),
        .testTarget(name: "NodeCoreTests", dependencies: ["NodeCore", "AgentConfig", "BasicTypes", "ElectionProtocol", "HostModel", "TestSupport"]),
        .testTarget(name: "BasicTypesTests", dependencies: ["BasicTypes"]),
        .testTarget(name: "ProcessFootprintTests", dependencies: ["ProcessFootprint"]),
        .testTarget(name: "HostModelTests", dependencies: ["HostModel", "BasicTypes"]),
        .testTarget(name: "AgentConfigTests", dependencies: ["AgentConfig", "BasicTypes"]),
        .testTarget(name: "StatusProtocolTests", dependencies: ["StatusProtocol"]),
        .testTarget(name: "HostPlumbingTests", dependencies: ["HostPlumbing", "HostModel", "BasicTypes", "GratuitousARP"]),
        .testTarget(name: "HostPreflightTests", dependencies: ["HostPreflight", "HostPlumbing", "AgentConfig", "BasicTypes", "HostModel"]),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime"]),
        .testTarget(name: "HealthChecksTests", dependencies: ["HealthChecks"]),
        .testTarget(name: "OVSDBTests", dependencies: ["OVSDB", "TestSupport"]),
        .testTarget(name: "ControlSocketTests", dependencies: ["ControlSocket"]),
        .testTarget(name: "MetricsExportTests", dependencies: ["MetricsExport", "ElectionProtocol"]),
        .testTarget(name: "SystemdIntegrationTests", dependencies: ["SystemdIntegration"]),
        .testTarget(name: "GatewayFailoverTests", dependencies: ["GatewayFailover", "TestSupport"]),
        .testTarget(name: "PackagingTests", dependencies: ["Yams", "AgentConfig", "BasicTypes"]),
        .testTarget(name: "IntegrationTests", dependencies: ["StatusProtocol"]),
    ]
)
