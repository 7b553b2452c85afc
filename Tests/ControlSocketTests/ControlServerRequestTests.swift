import ControlSocket
import Foundation
import StatusProtocol
import XCTest

final class ControlServerRequestTests: XCTestCase {
    func testStatusHistoryAndStepDownOnOneConnection() async throws {
        let harness = try await startServer()

        let responses = try await offPool { () -> [ControlResponse] in
            let client = try harness.connect()
            var answers: [ControlResponse] = []
            for request in [ControlRequest.status, .history, .stepDown(vip: "api"), .stepDown(vip: nil)] {
                try client.send(ControlCodec.encode(request))
                answers.append(try decodeResponse(client.readLine()))
            }
            return answers
        }
        XCTAssertEqual(responses, [
            .status(Fixture.document()),
            .history(Fixture.history),
            .message("api: handed over"),
            .message("all VIPs: handed over"),
        ])
        XCTAssertEqual(harness.handler.stepDownRequests, ["api", nil])
    }

    func testAgentErrorIsRelayedAndConnectionStaysUsable() async throws {
        let harness = try await startServer()

        let (first, second) = try await offPool { () -> (ControlResponse, ControlResponse) in
            let client = try harness.connect()
            try client.send(ControlCodec.encode(ControlRequest.stepDown(vip: "unknown")))
            let first = try decodeResponse(client.readLine())
            try client.send(ControlCodec.encode(ControlRequest.status))
            return (first, try decodeResponse(client.readLine()))
        }
        XCTAssertEqual(first, .error("no VIP named \"unknown\""))
        XCTAssertEqual(second, .status(Fixture.document()))
    }

    func testGarbageGetsAnErrorAndTheConnectionIsClosed() async throws {
        let harness = try await startServer()

        let cases: [(request: String, expected: String)] = [
            ("hello there\n", "not valid JSON"),
            ("[1,2,3]\n", "not a JSON object"),
            ("{\"version\":1}\n", "missing \"command\""),
            ("{\"version\":1,\"command\":\"frobnicate\"}\n", "unknown command \"frobnicate\""),
            ("{\"version\":2,\"command\":\"status\"}\n", "got version 2"),
            ("\u{FF}\u{FE}\n", "malformed"),
        ]
        for (request, expected) in cases {
            let (answer, after) = try await offPool { () -> (ControlResponse, String?) in
                let client = try harness.connect()
                // The valid request after the bad one must not be answered: the connection closes.
                try client.send(request + "{\"version\":1,\"command\":\"status\"}\n")
                let answer = try decodeResponse(client.readLine())
                return (answer, try client.readLine())
            }
            guard case .error(let message) = answer else {
                XCTFail("\(request.debugDescription): expected an error, got \(answer)")
                continue
            }
            XCTAssertTrue(message.contains(expected), "\(request.debugDescription): \(message)")
            XCTAssertNil(after, "\(request.debugDescription): connection should be closed after the error")
        }
    }

    func testWrongVersionErrorCarriesTheAgentVersion() async throws {
        let harness = try await startServer()

        let raw = try await offPool { () -> String? in
            let client = try harness.connect()
            try client.send("{\"version\":7,\"command\":\"status\"}\n")
            return try client.readLine()
        }
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(XCTUnwrap(raw).utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, ControlProtocol.version)
        XCTAssertEqual(object["ok"] as? Bool, false)
        XCTAssertTrue((object["error"] as? String ?? "").contains("got version 7"))
    }

    func testOversizedLineGetsAnErrorAndTheConnectionIsClosed() async throws {
        let harness = try await startServer()

        let (answer, after) = try await offPool { () -> (ControlResponse, String?) in
            let client = try harness.connect()
            // No newline at all: the server must not wait for one forever.
            try client.send(Data(repeating: UInt8(ascii: "a"), count: ControlCodec.maxRequestLineBytes + 10))
            let answer = try decodeResponse(client.readLine())
            return (answer, try client.readLine())
        }
        XCTAssertEqual(answer, .error(ControlCodecError.oversized(limit: ControlCodec.maxRequestLineBytes).description))
        XCTAssertNil(after)
    }

    func testLineExactlyAtTheLimitIsDecodedNotRejectedAsOversized() async throws {
        let harness = try await startServer()

        let base = "{\"version\":1,\"command\":\"status\"}"
        let padded = base + String(repeating: " ", count: ControlCodec.maxRequestLineBytes - base.utf8.count)
        let answer = try await offPool { () -> ControlResponse in
            let client = try harness.connect()
            try client.send(padded + "\n")
            return try decodeResponse(client.readLine())
        }
        XCTAssertEqual(answer, .status(Fixture.document()))
    }

    func testRequestsSplitAcrossWritesAndBatchedInOneWrite() async throws {
        let harness = try await startServer()

        let answers = try await offPool { () -> [ControlResponse] in
            let client = try harness.connect()
            try client.send("{\"version\":1,\"com")
            Thread.sleep(forTimeInterval: 0.1)
            try client.send("mand\":\"history\"}\n{\"version\":1,\"command\":\"status\"}\n")
            return [try decodeResponse(client.readLine()), try decodeResponse(client.readLine())]
        }
        XCTAssertEqual(answers, [.history(Fixture.history), .status(Fixture.document())])
    }
}
