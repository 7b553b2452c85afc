/// A JSON-RPC 1.0 message as used by RFC 7047 §4.
enum JSONRPCMessage: Equatable, Sendable {
    /// A request from the peer that expects a reply (`id` non-null), e.g. `echo`.
    case request(method: String, params: JSONValue, id: JSONValue)
    /// A request without reply (`id` null), e.g. `update`.
    case notification(method: String, params: JSONValue)
    /// The reply to one of our requests.
    case response(id: JSONValue, result: JSONValue, error: JSONValue)

    init(_ json: JSONValue) throws {
        guard let object = json.objectValue else {
            throw OVSDBError.protocolViolation("JSON-RPC message is not an object")
        }
        let id = object["id"] ?? .null
        if let methodValue = object["method"] {
            guard let method = methodValue.stringValue else {
                throw OVSDBError.protocolViolation("JSON-RPC method is not a string: \(methodValue)")
            }
            let params = object["params"] ?? .array([])
            self = id.isNull ? .notification(method: method, params: params)
                             : .request(method: method, params: params, id: id)
            return
        }
        guard object["result"] != nil || object["error"] != nil else {
            throw OVSDBError.protocolViolation("JSON-RPC message has neither method nor result/error")
        }
        self = .response(id: id, result: object["result"] ?? .null, error: object["error"] ?? .null)
    }

    var json: JSONValue {
        switch self {
        case .request(let method, let params, let id):
            return ["method": .string(method), "params": params, "id": id]
        case .notification(let method, let params):
            return ["method": .string(method), "params": params, "id": .null]
        case .response(let id, let result, let error):
            return ["id": id, "result": result, "error": error]
        }
    }
}
