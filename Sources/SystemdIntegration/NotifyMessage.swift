/// The text of one `sd_notify` datagram, built without touching the socket.
///
/// systemd reads the datagram as newline-separated `KEY=value` assignments, so a value must
/// stay on one line: a newline inside a status would start a bogus assignment.
public enum NotifyMessage {
    /// `READY=1` and, when given, the one-line status.
    public static func ready(status: String?) -> String {
        guard let status else { return "READY=1" }
        return "READY=1\n" + statusLine(status)
    }

    /// `STATUS=…`, the line `systemctl status` shows under the unit.
    public static func status(_ text: String) -> String {
        statusLine(text)
    }

    public static let watchdog = "WATCHDOG=1"
    public static let stopping = "STOPPING=1"

    /// `STATUS=` with line breaks and other control characters folded into spaces.
    static func statusLine(_ text: String) -> String {
        let folded = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? " " : scalar
        }))
        return "STATUS=" + folded
    }
}
