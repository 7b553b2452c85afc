import Logging

/// The metadata of one record: the handler's own, then the provider's, then the call's
/// (later wins), plus the attached error under `error`.
enum MetadataMerge {
    static func merge(handler: Logger.Metadata, provider: Logger.MetadataProvider?,
                      event: LogEvent) -> Logger.Metadata {
        var merged = handler
        if let provided = provider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata {
            merged.merge(own) { _, new in new }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = "\(error)"
        }
        return merged
    }
}
