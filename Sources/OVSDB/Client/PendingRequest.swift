/// A request waiting for its reply.
struct PendingRequest {
    let method: String
    let continuation: CheckedContinuation<JSONValue, Error>
    let timeout: Task<Void, Never>
}
