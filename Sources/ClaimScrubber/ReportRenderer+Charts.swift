import Foundation

/// Inline SVG charts for the report: no scripts, no fonts or images from elsewhere.
///
/// Every chart is an `<svg role="img">` whose `<title>` and `<desc>` name it and say what it
/// shows in words; the report puts a data table beside each one as the full text alternative.
enum SVGChart {
    struct Bar {
        var label: String
        var value: Double
        /// The value as the reader sees it ("$1,234.00", "57").
        var display: String
        /// A second, darker part of the bar (held within lines, for instance); 0 for none.
        var part: Double = 0
    }

    static let width = 760
    /// The horizontal bars' label column, and the room a label has in it.
    static let labelWidth = 376
    static var labelRoom: Double { Double(labelWidth - 16) }
    private static let font = "font-family=\"system-ui, sans-serif\" font-size=\"12\""

    /// Horizontal bars, one row per item, largest scale on the right.
    static func horizontalBars(id: String, title: String, description: String, bars: [Bar], color: String) -> String {
        let valueWidth = 100
        let rowHeight = 22
        let plotWidth = width - labelWidth - valueWidth
        let height = max(1, bars.count) * rowHeight + 16
        let maximum = bars.map(\.value).max() ?? 0
        var svg = open(id: id, title: title, description: description, height: height)
        if bars.isEmpty {
            svg += "<text x=\"8\" y=\"20\" \(font) fill=\"#555\">No data.</text>"
        }
        for (i, bar) in bars.enumerated() {
            let y = 8 + i * rowHeight
            let length =
                maximum > 0 ? max(bar.value > 0 ? 1 : 0, Int((bar.value / maximum * Double(plotWidth)).rounded())) : 0
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" \(font)>"
            svg += "\(HTML.escape(fitted(bar.label, width: labelRoom)))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" fill=\"\(color)\">"
            svg += "<title>\(HTML.escape(bar.label)): \(HTML.escape(bar.display))</title></rect>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\" \(font)>\(HTML.escape(bar.display))</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical bars over a category axis (weeks, days of lag); `part` is drawn darker at the
    /// bottom of each bar. `marker` draws a dashed vertical line after that bar index.
    static func columns(
        id: String, title: String, description: String, bars: [Bar], color: String, partColor: String,
        marker: (after: Int, label: String)? = nil, yLabel: String
    ) -> String {
        let left = 64
        let bottom = 60  // room for a week label turned 40 degrees ("2025-W07" ran 2 px below at 54)
        let top = 20
        let plotHeight = 220
        let height = top + plotHeight + bottom
        let plotWidth = width - left - 16
        let tick = niceStep(bars.map(\.value).max() ?? 0)
        let maximum = tick * 4
        let step = bars.isEmpty ? plotWidth : plotWidth / bars.count
        let barWidth = max(2, step - max(1, step / 5))
        var svg = open(id: id, title: title, description: description, height: height)
        // Axis and three gridlines with their values.
        for k in 0...4 {
            let value = tick * Double(k)
            let y = top + plotHeight - Int((Double(plotHeight) * Double(k) / 4).rounded())
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 16)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" \(font) fill=\"#555\">"
            svg += "\(HTML.escape(ReportFormat.compact(value)))</text>"
        }
        svg += "<text x=\"12\" y=\"\(top + plotHeight / 2)\" transform=\"rotate(-90 12 \(top + plotHeight / 2))\" "
        svg += "text-anchor=\"middle\" \(font) fill=\"#555\">\(HTML.escape(yLabel))</text>"
        if bars.isEmpty {
            svg += "<text x=\"\(left + 8)\" y=\"\(top + 20)\" \(font) fill=\"#555\">No data.</text>"
        }
        let labelEvery = max(1, (bars.count + 15) / 16)
        for (i, bar) in bars.enumerated() {
            let x = left + i * step + (step - barWidth) / 2
            let h = Int((bar.value / maximum * Double(plotHeight)).rounded())
            let partHeight = Int((bar.part / maximum * Double(plotHeight)).rounded())
            let y = top + plotHeight - h
            svg += "<g><title>\(HTML.escape(bar.label)): \(HTML.escape(bar.display))</title>"
            svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"\(color)\"/>"
            if partHeight > 0 {
                svg += "<rect x=\"\(x)\" y=\"\(top + plotHeight - partHeight)\" width=\"\(barWidth)\" "
                svg += "height=\"\(partHeight)\" fill=\"\(partColor)\"/>"
            }
            svg += "</g>"
            if i % labelEvery == 0 {
                let lx = x + barWidth / 2
                let ly = top + plotHeight + 14
                svg += "<text x=\"\(lx)\" y=\"\(ly)\" text-anchor=\"end\" transform=\"rotate(-40 \(lx) \(ly))\" "
                svg += "\(font)>\(HTML.escape(bar.label))</text>"
            }
        }
        if let marker, marker.after >= 0, marker.after < bars.count {
            let x = left + (marker.after + 1) * step
            svg += "<line x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(top + plotHeight)\" stroke=\"#b00\" "
            svg += "stroke-dasharray=\"4 3\"/><text x=\"\(x + 4)\" y=\"\(top + 4)\" \(font) fill=\"#b00\">"
            svg += "\(HTML.escape(marker.label))</text>"
        }
        svg +=
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 16)\" y2=\"\(top + plotHeight)\" stroke=\"#333\"/>"
        return svg + "</svg>"
    }

    /// A round gridline step (1, 2 or 5 times a power of ten) so that four steps cover `maximum`.
    static func niceStep(_ maximum: Double) -> Double {
        guard maximum > 0 else { return 1 }
        var power = 1.0
        while power * 10 <= maximum / 4 { power *= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where power * factor * 4 >= maximum { return max(1, power * factor) }
        return power * 10
    }

    /// `text` cut (with "…") to what fits in `width` pixels of the charts' 12px font. The widths
    /// are DejaVu Sans's (Debian's default sans-serif, and wider than most), rounded up: 3.8 for
    /// spaces and narrow letters, 4.8 for t f r and brackets, 7.7 for digits and small letters,
    /// 9.5 for capitals, 9.8–11.9 for m, w, M, W, 10.1–12 for symbols (`#+=<>~%@`), 11.7 for
    /// letters not ASCII (Æ, Œ) and 12, an em, from Hangul on. Averages of 6.5 for small letters
    /// let "C02 procedure code not in effect on the date of service" (333 px in the browser) pass
    /// as fitting 314 px, and its first letters were cut off; 7.3 and 8.8 let 39 capital Os (368
    /// px) pass as 343.
    static func fitted(_ text: String, width: Double) -> String {
        func advance(_ c: Character) -> Double {
            switch c {
            case "m": return 11.7
            case "M": return 10.4
            case "w": return 9.8
            case "W": return 11.9
            case "I": return 3.5
            case "@": return 12
            case "%": return 11.4
            default: break
            }
            if let scalar = c.unicodeScalars.first, scalar.value >= 0x1100 { return 12 }  // Hangul, CJK: a full em
            if !c.isASCII { return 11.7 }
            if c.isUppercase || c == "&" { return 9.5 }
            if "#+=<>~".contains(c) { return 10.1 }
            if " il.,:;'|!j".contains(c) { return 3.8 }
            return "tfr()-/[]".contains(c) ? 4.8 : 7.7
        }
        if text.reduce(0, { $0 + advance($1) }) <= width { return text }
        var used = 9.8  // the ellipsis
        var kept = ""
        for c in text {
            used += advance(c)
            if used > width { break }
            kept.append(c)
        }
        return kept + "…"
    }

    private static func open(id: String, title: String, description: String, height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" aria-labelledby=\"\(id)-title \(id)-desc\">"
            + "<title id=\"\(id)-title\">\(HTML.escape(title))</title>"
            + "<desc id=\"\(id)-desc\">\(HTML.escape(description))</desc>"
    }
}

/// Escaping for text and attribute values.
enum HTML {
    /// The text with `& < > " '` escaped, and the characters that HTML forbids, that make the inline
    /// SVG ill-formed XML, or that reorder the text after them replaced by U+FFFD: C0 controls but
    /// tab, LF and CR; DEL; C1 controls; bidi embeddings, overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069), of which an unclosed U+202E reversed the rest of a sentence or chart label;
    /// noncharacters (U+FFFE, U+FFFF, …). Replaced rather than dropped, so the reader sees that a name held something.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}":
                out.unicodeScalars.append("\u{FFFD}")
            // Noncharacters (U+FDD0–U+FDEF, and the last two of every plane, U+FFFE and U+FFFF
            // among them): not XML characters, and HTML parse errors.
            case _ where (0xFDD0...0xFDEF).contains(c.value) || c.value & 0xFFFE == 0xFFFE:
                out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A name from the data (department, payer, input file) inside a sentence of HTML text:
    /// escaped and in `<bdi>`, so right-to-left letters in it cannot reorder the words around it.
    /// Table cells need no `<bdi>` (each cell is a paragraph of its own), nor can SVG text have one:
    /// there `escape` alone neutralises the bidi controls.
    static func isolated(_ name: String) -> String { "<bdi>" + escape(name) + "</bdi>" }
}

/// Numbers as the report shows them: grouped digits, exact dollars from cents, shares in percent.
public enum ReportFormat {
    /// 1234567 → "1,234,567".
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "−" : "") + out
    }

    /// 123456 cents → "$1,234.56" (exact: integer arithmetic only).
    public static func dollars(_ cents: Int64) -> String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "−" : "") + "$" + count(Int(magnitude / 100)) + "." + (fraction < 10 ? "0" : "")
            + String(fraction)
    }

    /// 0.05234 → "5.2%".
    public static func percent(_ share: Double) -> String {
        fixed(share, 1, shift: 2) + "%"
    }

    /// A change with its sign: "+12", "−3", "0".
    public static func signedCount(_ n: Int) -> String { n > 0 ? "+" + count(n) : count(n) }

    public static func signedDollars(_ cents: Int64) -> String { cents > 0 ? "+" + dollars(cents) : dollars(cents) }

    /// A change of a share in percentage points: "+0.4 pp", "−1.5 pp".
    public static func signedPoints(_ change: Double) -> String {
        let text = fixed(change, 1, shift: 2)
        if text == "0.0" || text == "−0.0" { return "0.0 pp" }
        return (change > 0 ? "+" : "") + text + " pp"
    }

    /// Fixed decimals of `value` times 10^`shift`, with a real minus sign.
    ///
    /// Rounded half up in decimal, on the value as written (its shortest decimal form, with the
    /// noise of a subtraction rounded off first): in binary, 0.2875 (23 of 80 lines held, as
    /// summary.json says it) times 1000 is 287.4999…, and the report said 28.7% where the
    /// summary's own figure rounds to 28.8%.
    static func fixed(_ value: Double, _ decimals: Int, shift: Int = 0) -> String {
        var exact = Decimal(string: String(value.magnitude)) ?? 0
        exact *= Decimal(sign: .plus, exponent: shift + decimals, significand: 1)
        var snapped = Decimal()
        NSDecimalRound(&snapped, &exact, 6, .plain)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &snapped, 0, .plain)
        let scaled = NSDecimalNumber(decimal: rounded).int64Value
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let whole = scaled / scale
        var fraction = String(scaled % scale)
        while fraction.count < decimals { fraction = "0" + fraction }
        let sign = value < 0 && scaled != 0 ? "−" : ""
        return sign + count(Int(whole)) + (decimals > 0 ? "." + fraction : "")
    }

    /// Axis labels: 1200 → "1.2k", 3000000 → "3M".
    static func compact(_ value: Double) -> String {
        switch value.magnitude {
        case 1_000_000...: return trimmed(fixed(value / 1_000_000, 1)) + "M"
        case 1_000...: return trimmed(fixed(value / 1_000, 1)) + "k"
        default: return trimmed(fixed(value, 1))
        }
    }

    private static func trimmed(_ text: String) -> String { text.hasSuffix(".0") ? String(text.dropLast(2)) : text }
}
