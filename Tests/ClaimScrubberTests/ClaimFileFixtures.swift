import Foundation

@testable import ClaimScrubber

/// 837P/837I and DFT^P03 files written from the 5010 and v2 segment layouts, for the claim-file tests.
enum X12Fixture {
    struct Line {
        var code = "99213"
        var modifiers: [String] = []
        var charge = "110"
        var units = "1"
        var pointers = "1"
        var date = "20260415"
        var ref: String?
        /// 837I: the revenue code (SV2).
        var revenue = "0510"
    }

    struct Claim {
        var id: String
        /// CLM02; nil: the sum of the lines.
        var total: String?
        var diagnoses = ["ABK:I10", "ABF:E785"]
        var lines: [Line] = [Line()]
        /// A 2000C patient loop (last name, first name, birth date) under the subscriber.
        var patient: (String, String, String)?
        var memberId = "MEM0001"
    }

    static func npi(_ prefix: UInt64) -> String { String(prefix * 10 + UInt64(NPI.checkDigit(prefix))) }
    static let billingNPI = npi(123_456_789)
    static let renderingNPI = npi(198_765_432)

    /// One transaction set's segments (ST … SE), with the element separator `*`, components `:`.
    static func transaction(
        control: String, claims: [Claim], institutional: Bool = false, seCount: Int? = nil, seControl: String? = nil
    ) -> [String] {
        var s: [String] = []
        s.append("ST*837*\(control)*\(institutional ? "005010X223A2" : "005010X222A1")")
        s.append("BHT*0019*00*\(control)*20260420*1200*CH")
        s.append("NM1*41*2*SUBMITTER CLINIC*****46*S12345")
        s.append("PER*IC*BILLING OFFICE*TE*5555550100")
        s.append("NM1*40*2*PAYER CLEARINGHOUSE*****46*R67890")
        s.append("HL*1**20*1")
        s.append("NM1*85*2*GOOD HEALTH CLINIC*****XX*\(billingNPI)")
        s.append("N3*1 MAIN ST")
        s.append("N4*SPRINGFIELD*IL*62701")
        s.append("REF*EI*371234567")
        var hl = 1
        for claim in claims {
            hl += 1
            let subscriberHL = hl
            s.append("HL*\(hl)*1*22*\(claim.patient == nil ? 0 : 1)")
            s.append("SBR*P*\(claim.patient == nil ? "18" : "")*GRP01******CI")
            s.append("NM1*IL*1*DOE*JANE****MI*\(claim.memberId)")
            s.append("DMG*D8*19700101*F")
            s.append("NM1*PR*2*ACME INSURANCE*****PI*AETNA01")
            if let p = claim.patient {
                hl += 1
                s.append("HL*\(hl)*\(subscriberHL)*23*0")
                s.append("PAT*19")
                s.append("NM1*QC*1*\(p.0)*\(p.1)")
                s.append("DMG*D8*\(p.2)*M")
            }
            let sum = claim.lines.reduce(Decimal(0)) { $0 + (Decimal(string: $1.charge) ?? 0) }
            let total = claim.total ?? "\(sum)"
            s.append("CLM*\(claim.id)*\(total)***\(institutional ? "13:A:1" : "11:B:1")*Y*A*Y*Y")
            if institutional { s.append("DTP*434*RD8*20260414-20260415") }
            // Twelve codes an HI at most (HI01-HI12): more go to the next HI, as an 837I sends them.
            for start in stride(from: 0, to: claim.diagnoses.count, by: 12) {
                s.append("HI*" + claim.diagnoses[start..<min(start + 12, claim.diagnoses.count)].joined(separator: "*"))
            }
            if !institutional { s.append("NM1*82*1*SMITH*JOHN****XX*\(renderingNPI)") }
            if institutional { s.append("NM1*71*1*SMITH*JOHN****XX*\(renderingNPI)") }
            for (i, line) in claim.lines.enumerated() {
                s.append("LX*\(i + 1)")
                let procedure = (["HC", line.code] + line.modifiers).joined(separator: ":")
                if institutional {
                    s.append("SV2*\(line.revenue)*\(procedure)*\(line.charge)*UN*\(line.units)")
                } else {
                    // Without pointers the SV1 ends at SV104: X12 leaves out trailing empty elements.
                    let sv1 = "SV1*\(procedure)*\(line.charge)*UN*\(line.units)***\(line.pointers)"
                    s.append(line.pointers.isEmpty ? String(sv1.dropLast(3)) : sv1)
                }
                s.append("DTP*472*D8*\(line.date)")
                if let ref = line.ref { s.append("REF*6R*\(ref)") }
            }
        }
        s.append("SE*\(seCount ?? s.count + 1)*\(seControl ?? control)")
        return s
    }

    /// A functional group around transaction sets.
    static func group(control: String, _ transactions: [[String]], geCount: Int? = nil, institutional: Bool = false)
        -> [String]
    {
        ["GS*HC*SENDER*RECEIVER*20260420*1200*\(control)*X*\(institutional ? "005010X223A2" : "005010X222A1")"]
            + transactions.flatMap { $0 } + ["GE*\(geCount ?? transactions.count)*\(control)"]
    }

    /// An interchange: the fixed-width ISA, groups, IEA.
    static func interchange(
        control: String, _ groups: [[String]], ieaCount: Int? = nil, ieaControl: String? = nil, repetition: String = "^"
    ) -> [String] {
        let isa =
            "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260420*1200*\(repetition)*00501*\(control)*0*P*:"
        return [isa] + groups.flatMap { $0 } + ["IEA*\(ieaCount ?? groups.count)*\(ieaControl ?? control)"]
    }

    /// The file's text with the given separators (the fixtures are written with `*`, `:`, `~`).
    static func render(
        _ segments: [String], element: Character = "*", component: Character = ":", terminator: String = "~",
        lineBreak: String = "\n"
    ) -> String {
        segments.map { segment in
            String(segment.map { $0 == "*" ? element : ($0 == ":" ? component : $0) })
        }.joined(separator: terminator + lineBreak) + terminator + lineBreak
    }

    /// A plain file of two transactions (three claims) in one interchange.
    static func standard(institutional: Bool = false) -> [String] {
        let a = transaction(
            control: "0001",
            claims: [
                Claim(id: "CLAIM1", lines: [Line(ref: "L1"), Line(code: "36415", charge: "18", ref: "L2")]),
                Claim(id: "CLAIM2", lines: [Line(code: "99214", charge: "165")], patient: ("DOE", "JIMMY", "20100505")),
            ], institutional: institutional)
        let b = transaction(
            control: "0002", claims: [Claim(id: "CLAIM3", lines: [Line(code: "85025", charge: "31")])],
            institutional: institutional)
        return interchange(control: "000000001", [group(control: "1", [a, b], institutional: institutional)])
    }
}

enum ClaimFileTestSupport {
    /// The CLM01 of every claim in an 837 file, in order.
    static func claimIds(_ text: String, element: Character = "*", terminator: Character = "~") -> [String] {
        segments(text, terminator: terminator).filter { $0.hasPrefix("CLM\(element)") }.map {
            String($0.split(separator: element, omittingEmptySubsequences: false)[1])
        }
    }

    static func segments(_ text: String, terminator: Character = "~") -> [String] {
        text.split(separator: terminator).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.isEmpty
        }
    }

    /// Each claim's own segments (CLM up to the next CLM, HL or SE), keyed by CLM01.
    static func claimSegments(_ text: String, terminator: Character = "~") -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for segment in segments(text, terminator: terminator) {
            if segment.hasPrefix("CLM") {
                current = String(segment.split(separator: segment[segment.index(segment.startIndex, offsetBy: 3)])[1])
                result[current!] = [segment]
            } else if segment.hasPrefix("HL") || segment.hasPrefix("SE") || segment.hasPrefix("GE")
                || segment.hasPrefix("IEA")
            {
                current = nil
            } else if let c = current {
                result[c]!.append(segment)
            }
        }
        return result
    }

    static func text(_ path: String) throws -> String { String(decoding: try Fixtures.read(path), as: UTF8.self) }

    /// A generated claim file's bytes and its truth.
    static func generated(_ format: ClaimFileFormat, lines: Int, seed: UInt64, errorRate: Double) -> (
        bytes: [UInt8], truth: [ExtractGenerator.TruthEntry]
    ) {
        var options = ExtractGenerator.Options(lines: lines)
        options.seed = seed
        options.errorRate = errorRate
        var generator = ClaimFileGenerator(format: format, options: options)
        var bytes: [UInt8] = []
        generator.generate { bytes.append(contentsOf: $0) }
        return (bytes, generator.truth)
    }
}

extension ClaimFileTestSupport {
    /// What is wrong with an 837 output's envelope, empty when nothing: ISA (GS (ST … SE)+ GE)+ IEA
    /// nested and in order, SE01 the segments from ST to SE, GE01 the transaction sets, IEA01 the
    /// groups, each trailer's control number its header's (GS06 one to nine digits, ST02 four to
    /// nine characters), HL numbers counting from 1 in each transaction set. The separators are
    /// the ISA's.
    static func envelopeProblems(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        guard bytes.count > 106, text.hasPrefix("ISA") else {
            return text.isEmpty ? [] : ["does not start with an ISA"]
        }
        let element = Character(UnicodeScalar(bytes[3]))
        let terminator = Character(UnicodeScalar(bytes[105]))
        var problems: [String] = []
        var open: [String] = []
        var controls: [String: String] = [:]
        var counts = (groups: 0, transactions: 0, segments: 0, hl: 0)
        for segment in segments(text, terminator: terminator) {
            let e = segment.split(separator: element, omittingEmptySubsequences: false).map(String.init)
            if open.last == "ST" { counts.segments += 1 }
            switch e[0] {
            case "ISA":
                if !open.isEmpty { problems.append("ISA inside \(open)") }
                open = ["ISA"]
                controls["ISA"] = e.count > 13 ? e[13] : ""
                counts.groups = 0
            case "GS":
                if open != ["ISA"] { problems.append("GS inside \(open)") }
                open = ["ISA", "GS"]
                controls["GS"] = e.count > 6 ? e[6] : ""
                if !(1...9).contains(controls["GS"]!.count) || !controls["GS"]!.allSatisfy(\.isNumber) {
                    problems.append("GS06 '\(controls["GS"]!)' is not a control number")
                }
                counts.groups += 1
                counts.transactions = 0
            case "ST":
                if open != ["ISA", "GS"] { problems.append("ST inside \(open)") }
                open = ["ISA", "GS", "ST"]
                controls["ST"] = e.count > 2 ? e[2] : ""
                if !(4...9).contains(controls["ST"]!.count) {
                    problems.append("ST02 '\(controls["ST"]!)' is not a control number")
                }
                counts.transactions += 1
                counts.segments = 1
                counts.hl = 0
            case "HL":
                if open != ["ISA", "GS", "ST"] { problems.append("HL outside a transaction set") }
                counts.hl += 1
                if e.count < 2 || e[1] != String(counts.hl) {
                    problems.append("HL \(e.count > 1 ? e[1] : "") where \(counts.hl) was due")
                }
            case "SE":
                if open != ["ISA", "GS", "ST"] { problems.append("SE inside \(open)") }
                if e.count < 3 || e[1] != String(counts.segments) || e[2] != controls["ST"] {
                    problems.append("SE \(e.dropFirst()) for \(counts.segments) segments, ST02 \(controls["ST"] ?? "")")
                }
                open = ["ISA", "GS"]
            case "GE":
                if open != ["ISA", "GS"] { problems.append("GE inside \(open)") }
                if e.count < 3 || e[1] != String(counts.transactions) || e[2] != controls["GS"] {
                    problems.append(
                        "GE \(e.dropFirst()) for \(counts.transactions) transaction sets, GS06 \(controls["GS"] ?? "")")
                }
                open = ["ISA"]
            case "IEA":
                if open != ["ISA"] { problems.append("IEA inside \(open)") }
                if e.count < 3 || e[1] != String(counts.groups) || e[2] != controls["ISA"] {
                    problems.append("IEA \(e.dropFirst()) for \(counts.groups) groups, ISA13 \(controls["ISA"] ?? "")")
                }
                open = []
            default:
                if open != ["ISA", "GS", "ST"] { problems.append("\(e[0].prefix(3)) outside a transaction set") }
            }
        }
        if !open.isEmpty { problems.append("ends inside \(open)") }
        return problems
    }
}
