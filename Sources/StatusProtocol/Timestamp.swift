import Foundation

/// Formats `date` as an ISO-8601 UTC timestamp with second precision, e.g. "2026-11-22T18:00:00Z".
///
/// Pure arithmetic (no formatter, no locale, no time zone database): safe from any thread.
/// Fractions of a second are truncated towards the past.
public func isoTimestamp(_ date: Date) -> String {
    let raw = date.timeIntervalSince1970
    // Clamp to years 0001...9999 so that any Date (even .distantFuture or NaN) formats.
    let clamped = raw.isFinite ? min(max(raw, -62_135_596_800), 253_402_300_799) : 0
    let seconds = Int64(clamped.rounded(.down))
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = seconds - days * 86_400
    let (year, month, day) = CivilDate.fromDays(days)
    return String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                  year, month, day, secondOfDay / 3600, (secondOfDay % 3600) / 60, secondOfDay % 60)
}

/// Parses what `isoTimestamp(_:)` writes ("YYYY-MM-DDTHH:MM:SSZ", optionally with a fraction of
/// a second before the "Z"). Returns nil for anything else.
public func parseIsoTimestamp(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
    func number(_ range: Range<Int>) -> Int64? {
        var value: Int64 = 0
        for i in range {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
        }
        return value
    }
    let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
    for (index, char) in separators where bytes[index] != char.asciiValue! {
        return nil
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
          let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
          (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var fraction = 0.0
    if bytes.count > 20 {
        guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, bytes.count <= 30,
              let digits = number(20..<(bytes.count - 1)) else { return nil }
        fraction = Double(digits) / pow(10, Double(bytes.count - 21))
    }
    let days = CivilDate.toDays(year: year, month: month, day: day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
    return Date(timeIntervalSince1970: Double(seconds) + fraction)
}

/// Conversions between days since 1970-01-01 and proleptic Gregorian dates
/// (Howard Hinnant's `days_from_civil` / `civil_from_days`).
enum CivilDate {
    static func fromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func toDays(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
