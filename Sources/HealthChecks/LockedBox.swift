import NIOConcurrencyHelpers

/// A value behind a lock: the runner and probes share a few flags across tasks.
typealias LockedBox<Value: Sendable> = NIOLockedValueBox<Value>
