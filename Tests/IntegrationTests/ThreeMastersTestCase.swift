import Foundation
import XCTest

/// The common lab of the namespace tests: three masters (priorities 150, 140, 130) and a
/// client on one Linux bridge, torn down after each test (logs printed when it failed).
/// Subclasses add their own scenarios; `configureMasters(vipExtra:)` sets them up again with
/// more keys on the VIP.
class ThreeMastersTestCase: XCTestCase {
    var lab: Lab!

    override func setUpWithError() throws {
        lab = try Lab(count: 3, test: name.filter { $0.isLetter })
        try configureMasters()
    }

    func configureMasters(vipExtra: String = "") throws {
        try lab.configure(1, priority: 150, vipExtra: vipExtra)
        try lab.configure(2, priority: 140, vipExtra: vipExtra)
        try lab.configure(3, priority: 130, vipExtra: vipExtra)
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    /// Starts the three agents; m1 (priority 150) is then the sole holder.
    func startAll() throws {
        for i in 1...3 { try lab.start(i) }
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 (priority 150) should be elected")
    }

    /// m<i>'s `vipctl status --json` as a dictionary.
    func status(_ i: Int) throws -> [String: Any] {
        try XCTUnwrap(lab.statusDocument(i), "m\(i): `vipctl status --json` gave no JSON object")
    }
}
