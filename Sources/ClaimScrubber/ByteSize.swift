/// Sizes written for people: `512MiB`, `2GiB`, `1G`, `64k`, `1000000`.
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces.lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let value = Int(digits), !digits.isEmpty else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingPrefix(" ")
        let shift: Int
        switch unit {
        case "", "b": shift = 0
        case "k", "kb", "kib": shift = 10
        case "m", "mb", "mib": shift = 20
        case "g", "gb", "gib": shift = 30
        case "t", "tb", "tib": shift = 40
        default: return nil
        }
        guard value < (1 << (62 - shift)) else { return nil }
        return value << shift
    }
}
