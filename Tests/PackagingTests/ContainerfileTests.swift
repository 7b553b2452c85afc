import XCTest

final class ContainerfileTests: XCTestCase {
    private func stages() throws -> [String] {
        let text = try RepositoryFiles.text("packaging/container/Containerfile")
        // Each stage begins with FROM; the text before the first one is comments.
        return text.components(separatedBy: "\nFROM ").dropFirst().map { "FROM " + $0 }
    }

    func testBuildStageMakesAStaticReleaseBuild() throws {
        let stages = try stages()
        XCTAssertEqual(stages.count, 2, "expected a build stage and a runtime stage")
        let build = try XCTUnwrap(stages.first)
        XCTAssertTrue(build.hasPrefix("FROM docker.io/library/swift:6."), build)
        XCTAssertTrue(build.contains("swift build -c release --static-swift-stdlib"))
        for package in ["libnl-3-dev", "libnl-route-3-dev", "libnet1-dev", "libsystemd-dev"] {
            XCTAssertTrue(build.contains(package), "build stage lacks \(package)")
        }
    }

    func testRuntimeStageHasTheLibrariesAndBothBinaries() throws {
        let runtime = try XCTUnwrap(try stages().last)
        XCTAssertTrue(runtime.hasPrefix("FROM docker.io/library/debian:12-slim"), runtime)
        for package in ["libnl-3-200", "libnl-route-3-200", "libnet1", "libsystemd0"] {
            XCTAssertTrue(runtime.contains(package), "runtime stage lacks \(package)")
        }
        XCTAssertFalse(runtime.contains("-dev"), "development packages do not belong in the runtime image")
        XCTAssertTrue(runtime.contains("COPY --from=build /out/vip-agent /out/vipctl /usr/local/bin/"))
    }
}
