// swift-tools-version:6.0
import PackageDescription

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]
// The election core and its simulation run optimized even in debug builds: the deterministic
// simulation plays thousands of seeded schedules per test run and is 8× faster with -O.
let optimized: [SwiftSetting] = v5 + [.unsafeFlags(["-O"])]

let package = Package(
    name: "vip-agent",
    platforms: [.macOS(.v14)],
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
        .target(name: "ElectionProtocol",
                dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: optimized),
        .target(name: "AgentConfig",
                dependencies: ["Yams"],
                swiftSettings: v5),
        .target(name: "StatusProtocol", swiftSettings: v5),

        // Host and network I/O.
        .target(name: "HostPlumbing", dependencies: ["CNetlink"], swiftSettings: v5),
        .target(name: "GratuitousARP", dependencies: ["CLibnet"], swiftSettings: v5),
        // Host checks before start: stale VIP copies, capabilities, interfaces, the key file.
        .target(name: "HostPreflight",
                dependencies: ["AgentConfig", "HostPlumbing", .product(name: "Logging", package: "swift-log")],
                swiftSettings: v5),
        .target(name: "HealthChecks",
                dependencies: [
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "Logging", package: "swift-log"),
                    "GratuitousARP",
                ],
                swiftSettings: v5),
        .target(name: "OVSDB",
                dependencies: [
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "NIOFoundationCompat", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: v5),

        // Operator surfaces: the vipctl socket server, Prometheus export, systemd.
        .target(name: "ConnectionLimits",
                dependencies: [
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                ],
                swiftSettings: v5),
        .target(name: "ControlSocket",
                dependencies: [
                    "StatusProtocol", "ConnectionLimits",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: v5),
        .target(name: "MetricsExport",
                dependencies: [
                    "ConnectionLimits",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "Prometheus", package: "swift-prometheus"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: v5),
        .target(name: "SystemdIntegration",
                dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
                swiftSettings: v5),
        // Kube-OVN external gateway: OVN NB Gateway_Chassis priorities follow the election.
        .target(name: "GatewayFailover",
                dependencies: ["OVSDB", "StatusProtocol", .product(name: "Logging", package: "swift-log")],
                swiftSettings: v5),

        // The daemon, wired from the modules above.
        .target(name: "AgentRuntime",
                dependencies: [
                    "ElectionProtocol", "AgentConfig", "StatusProtocol", "HostPlumbing", "HostPreflight",
                    "GratuitousARP", "HealthChecks", "ControlSocket", "MetricsExport", "OVSDB", "GatewayFailover",
                    "SystemdIntegration",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOFoundationCompat", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "Prometheus", package: "swift-prometheus"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                ],
                swiftSettings: v5),
        .executableTarget(name: "VIPAgent",
                          dependencies: [
                              "AgentRuntime", "AgentConfig", "HostPlumbing", "HostPreflight",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ],
                          swiftSettings: v5),
        .executableTarget(name: "vipctl",
                          dependencies: [
                              "StatusProtocol",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ],
                          swiftSettings: v5),

        // Tests: one target per module, plus the network-namespace suite.
        .testTarget(name: "ElectionProtocolTests", dependencies: ["ElectionProtocol"], swiftSettings: optimized),
        .testTarget(name: "AgentConfigTests", dependencies: ["AgentConfig"], swiftSettings: v5),
        .testTarget(name: "StatusProtocolTests", dependencies: ["StatusProtocol"], swiftSettings: v5),
        .testTarget(name: "HostPlumbingTests", dependencies: ["HostPlumbing", "GratuitousARP"], swiftSettings: v5),
        .testTarget(name: "HostPreflightTests", dependencies: ["HostPreflight", "HostPlumbing", "AgentConfig"], swiftSettings: v5),
        .testTarget(name: "HealthChecksTests", dependencies: ["HealthChecks"], swiftSettings: v5),
        .testTarget(name: "OVSDBTests", dependencies: ["OVSDB"], swiftSettings: v5),
        .testTarget(name: "ControlSocketTests", dependencies: ["ControlSocket"], swiftSettings: v5),
        .testTarget(name: "MetricsExportTests", dependencies: ["MetricsExport"], swiftSettings: v5),
        .testTarget(name: "SystemdIntegrationTests", dependencies: ["SystemdIntegration"], swiftSettings: v5),
        .testTarget(name: "GatewayFailoverTests", dependencies: ["GatewayFailover"], swiftSettings: v5),
        .testTarget(name: "PackagingTests", dependencies: ["Yams", "AgentConfig"], swiftSettings: v5),
        .testTarget(name: "AgentRuntimeTests",
                    dependencies: ["AgentRuntime", "ElectionProtocol", "HostPlumbing", "HealthChecks"],
                    swiftSettings: v5),
        .testTarget(name: "IntegrationTests", dependencies: ["StatusProtocol"], swiftSettings: v5),
    ]
)
