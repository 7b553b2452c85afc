import AgentConfig
import XCTest

final class ContainerfileTests: XCTestCase {
    private let path = "packaging/container/Containerfile"

    private func stages() throws -> [String] {
        let text = try RepositoryFiles.text(path)
        // Each stage begins with FROM; the text before the first one is comments.
        return text.components(separatedBy: "\nFROM ").dropFirst().map { "FROM " + $0 }
    }

    func testBuildStageMakesAStaticReleaseBuild() throws {
        let stages = try stages()
        XCTAssertEqual(stages.count, 2, "expected a build stage and a runtime stage")
        let build = try XCTUnwrap(stages.first)
        XCTAssertTrue(build.hasPrefix("FROM docker.io/library/swift:6."), build)
        // The shipped release build: scripts/build-release (static Swift runtime, DT_RELR, the
        // running code side by side), with the order file it links by.
        XCTAssertTrue(build.contains("scripts/build-release"), build)
        XCTAssertTrue(build.contains("COPY scripts/lib/hot-code.order ./scripts/lib/hot-code.order"), build)
        let script = try RepositoryFiles.text("scripts/build-release")
        for flag in ["-c release", "--static-swift-stdlib", "--no-export-dynamic", "pack-relative-relocs",
                     "-function-sections", "--symbol-ordering-file=$order", "scripts/lib/hot-code.order"] {
            XCTAssertTrue(script.contains(flag), "scripts/build-release lacks \(flag)")
        }
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

    // MARK: A clean clone builds

    /// Every COPY/ADD source from the build context is committed (so a fresh `git clone` has it)
    /// and not excluded by .containerignore. Package.resolved, which git ignores, failed this.
    func testEveryCopySourceIsInACleanClone() throws {
        guard let committed = CleanClone.committedPaths() else {
            throw XCTSkip("not a git checkout (or git missing): cannot tell what a clean clone holds")
        }
        let copies = ContextCopy.parse(try RepositoryFiles.text(path))
        XCTAssertFalse(copies.isEmpty, "found no COPY from the build context in \(path)")
        let ignore = ContainerIgnore(try RepositoryFiles.text(".containerignore"))
        for copy in copies {
            for source in copy.sources {
                XCTAssertFalse(source.contains("$") || source.contains("*"),
                               "\(path):\(copy.line): COPY source \(source) cannot be checked; name the files")
                XCTAssertTrue(CleanClone.contains(source, in: committed),
                              "\(path):\(copy.line): COPY source \(source) is not committed: a clean clone lacks it")
                XCTAssertFalse(ignore.excludes(source),
                               "\(path):\(copy.line): COPY source \(source) is excluded by .containerignore")
            }
        }
    }

    /// The check above fails on the instruction this issue started with.
    func testTheCleanCloneCheckCatchesAnUntrackedSource() throws {
        guard let committed = CleanClone.committedPaths() else {
            throw XCTSkip("not a git checkout (or git missing): cannot tell what a clean clone holds")
        }
        let copies = ContextCopy.parse("FROM x AS build\n# COPY Commented ./\nCOPY --chown=0:0 Package.swift \\\n  Package.resolved ./\nCOPY --from=build /out/a /b/\n")
        XCTAssertEqual(copies, [ContextCopy(line: 3, sources: ["Package.swift", "Package.resolved"], destination: "./")])
        XCTAssertTrue(CleanClone.contains("Package.swift", in: committed))
        XCTAssertTrue(CleanClone.contains("Sources", in: committed))
        XCTAssertTrue(CleanClone.contains("./Sources/", in: committed))
        XCTAssertFalse(CleanClone.contains("Package.resolved", in: committed), "Package.resolved must stay out of git")
        XCTAssertFalse(CleanClone.contains("Sourc", in: committed))
    }

    func testContainerIgnoreKeepsBuildTreesOut() throws {
        let ignore = ContainerIgnore(try RepositoryFiles.text(".containerignore"))
        for excluded in [".build", ".build/debug/vip-agent", ".build-release", ".build_x/y", "Package.resolved", ".git/HEAD"] {
            XCTAssertTrue(ignore.excludes(excluded), "\(excluded) would be sent to the image build")
        }
        for kept in ["Package.swift", "Sources/VIPAgent/RunCommand.swift", "LICENSE"] {
            XCTAssertFalse(ignore.excludes(kept), "\(kept) is needed by the image build")
        }
    }

    // MARK: Labels and the versioned tag

    func testOCILabelsAndTheVersionedTag() throws {
        let text = try RepositoryFiles.text(path)
        let runtime = try XCTUnwrap(try stages().last)
        for label in ["title", "description", "version", "revision", "licenses"] {
            XCTAssertTrue(runtime.contains("org.opencontainers.image.\(label)="), "runtime stage lacks the \(label) label")
        }
        XCTAssertTrue(runtime.contains("org.opencontainers.image.version=\"${VERSION}\""))
        XCTAssertTrue(runtime.contains("ARG VERSION=\(VIPAgentVersion.current)\n"),
                      "the image version defaults to the binary's (\(VIPAgentVersion.current))")
        XCTAssertTrue(text.contains("-t localhost/vip-agent:$VERSION"), "the documented build tags the version")
        XCTAssertFalse(text.contains(":latest"), "no floating tag: a static pod must name the version it runs")
        XCTAssertTrue(text.contains("/var/lib/rancher/rke2/agent/images/"), "the RKE2 image-tarball route is documented")
    }
}
