/// Writes realistic X12 837 or HL7 DFT^P03 files from the extract generator's world (patients,
/// departments, providers, encounters and their line defects), with claim-file defects (X01–X03)
/// injected and a truth file.
///
/// Each encounter is one claim (one message). Professional departments go to 837P transaction sets
/// (SV1), institutional ones to 837I (SV2); each interchange holds one transaction set of up to
/// `claimsPerTransaction` claims. Line defects are limited to those a claim file can carry on one
/// line (a birth date or billing NPI is the claim's, a post date or department is not in an 837).
/// Truth rows name the line (REF*6R) for line findings and CLM01 for claim-level ones (X01, X02,
/// X03 on HI), as findings.csv does.
public struct ClaimFileGenerator {
    public let format: ClaimFileFormat
    var base: ExtractGenerator
    var rng: SplitMix64
    public private(set) var truth: [ExtractGenerator.TruthEntry] = []
    var interchange = 0
    /// Rules the base generator injected, by line id, for lines not written yet.
    var pendingTruth: [String: [RuleID]] = [:]
    var truthCursor = 0
    /// Base truth rows that a claim file cannot show (see `adjustInstitutionalTruth`).
    var dropped: Set<ExtractGenerator.TruthEntry> = []
    let claimsPerTransaction = 200

    /// Line defects a claim file can carry on one line.
    public static func defects(for format: ClaimFileFormat) -> [ExtractGenerator.Defect] {
        var list: [ExtractGenerator.Defect] = [
            .futureService, .pastTimelyFiling, .unknownProcedure, .procedureNotInEffect, .notPayableByMedicare,
            .unknownDiagnosis, .headerDiagnosis, .uncoveredServiceDate, .invalidModifier, .ageConflict, .sexConflict,
            .manifestationPrimary, .excludes1Pair, .exactDuplicate, .probableDuplicate, .ptpPair, .mueLine, .mueDay,
            .orphanAddOn,
        ]
        if format == .hl7 { list += [.postBeforeService, .chargeLag] }
        return list
    }

    public init(format: ClaimFileFormat, options: ExtractGenerator.Options) {
        self.format = format
        var options = options
        let allowed = Set(Self.defects(for: format))
        options.defects = options.defects.filter { allowed.contains($0) }
        base = ExtractGenerator(options: options)
        rng = SplitMix64(seed: options.seed ^ 0x5EED_C1A1)
    }

    typealias Field = ExtractGenerator.Field

    /// Generates the file, handing text to `write` in pieces.
    public mutating func generate(_ write: ([UInt8]) throws -> Void) rethrows {
        var produced = 0
        var professional: [[[String]]] = []
        var institutional: [[[String]]] = []
        var out: [UInt8] = []
        while produced < base.options.lines {
            let lines = base.makeEncounter(limit: base.options.lines - produced)
            produced += lines.count
            while truthCursor < base.truth.count {
                let entry = base.truth[truthCursor]
                pendingTruth[entry.lineId, default: []].append(entry.rule)
                truthCursor += 1
            }
            // Lines of one encounter id form one claim (an injected duplicate may carry a new one).
            var claims: [[[String]]] = []
            for line in lines {
                if let last = claims.last?.last, last[Field.encounterId.rawValue] == line[Field.encounterId.rawValue] {
                    claims[claims.count - 1].append(line)
                } else {
                    claims.append([line])
                }
            }
            for claim in claims {
                if format == .hl7 {
                    appendMessage(claim, to: &out)
                } else if !claim[0][Field.revenue.rawValue].isEmpty {
                    institutional.append(claim)
                    if institutional.count == claimsPerTransaction {
                        appendInterchange(institutional, institutional: true, to: &out)
                        institutional.removeAll()
                    }
                } else {
                    professional.append(claim)
                    if professional.count == claimsPerTransaction {
                        appendInterchange(professional, institutional: false, to: &out)
                        professional.removeAll()
                    }
                }
            }
            if out.count > 1 << 20 {
                try write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !professional.isEmpty { appendInterchange(professional, institutional: false, to: &out) }
        if !institutional.isEmpty { appendInterchange(institutional, institutional: true, to: &out) }
        try write(out)
        truth = base.truth.filter { !dropped.contains($0) } + truth
    }

    /// The truth file: `line_id,rule`, one row per injected defect.
    public func truthCSV() -> [UInt8] {
        var out = Array("line_id,rule\n".utf8)
        for entry in truth {
            CSVText.append(entry.lineId, to: &out)
            out.append(0x2C)
            out.append(contentsOf: entry.rule.rawValue.utf8)
            out.append(0x0A)
        }
        return out
    }

    static func d8(_ date: String) -> String { date.replacingOccurrences(of: "-", with: "") }

    // MARK: - X12

    /// The first interchange control number (ISA13, also GS06): from the seed, so that the files
    /// of two seeds scrubbed in one run do not repeat each other's (a payer rejects an interchange
    /// whose ISA13 it has seen from the sender: TA1 025).
    var firstControl: Int { 100_000_000 + Int(base.options.seed % 8_999) * 100_000 }

    /// Writes one interchange of one transaction set: 005010X222A1 (837P) or 005010X223A2 (837I) as
    /// the implementation guides lay them out (checked with pyx12's x12valid): the billing
    /// provider's ZIP+4, the subscriber's address (the patient is the subscriber, SBR02 18), SV105
    /// only where it differs from CLM05-1; in an 837I no CLM06, the principal diagnosis alone in its
    /// HI, CL1, and the attending provider (2310A).
    mutating func appendInterchange(_ claims: [[[String]]], institutional: Bool, to out: inout [UInt8]) {
        interchange += 1
        let control = String(firstControl + interchange).suffix(9)
        let version = institutional ? "005010X223A2" : "005010X222A1"
        var s: [String] = []
        s.append("ST*837*\(String(1000 + interchange % 9000))*\(version)")
        s.append("BHT*0019*00*B\(interchange)*20260630*1200*CH")
        s.append("NM1*41*2*GENERATED HEALTH SYSTEM*****46*S0001")
        s.append("PER*IC*BILLING OFFICE*TE*5555550100")
        s.append("NM1*40*2*CLEARINGHOUSE*****46*R0001")
        var hl = 0
        var lastBilling = ""
        var billingHL = 0
        var claimIds: [String] = []
        let first = claims[0][0]
        _ = first
        for claim in claims {
            let line0 = claim[0]
            let billing = line0[Field.billing.rawValue]
            if billing != lastBilling {
                hl += 1
                billingHL = hl
                lastBilling = billing
                s.append("HL*\(hl)**20*1")
                s.append("NM1*85*2*GENERATED CLINIC*****XX*\(billing)")
                s.append("N3*100 MAIN ST")
                s.append("N4*SPRINGFIELD*IL*627011234")
                s.append("REF*EI*371234567")
            }
            hl += 1
            s.append("HL*\(hl)*\(billingHL)*22*0")
            s.append("SBR*P*18*GRP01******CI")
            s.append("NM1*IL*1*PATIENT*TEST****MI*\(line0[Field.patientId.rawValue])")
            s.append("N3*1 TEST ST")
            s.append("N4*SPRINGFIELD*IL*62701")
            s.append("DMG*D8*\(Self.d8(line0[Field.dob.rawValue]))*\(line0[Field.sex.rawValue])")
            s.append("NM1*PR*2*PAYER*****PI*\(line0[Field.payer.rawValue])")
            // Diagnosis slots: every line's codes, first come first served, 12 at most.
            var slots: [String] = []
            var pointers: [[Int]] = []
            var unfit: [String] = []
            for line in claim {
                var p: [Int] = []
                for f in [Field.dx1, .dx2, .dx3, .dx4] {
                    let code = line[f.rawValue].replacingOccurrences(of: ".", with: "")
                    if code.isEmpty { continue }
                    if let i = slots.firstIndex(of: code) {
                        p.append(i + 1)
                    } else if slots.count < 12 {
                        slots.append(code)
                        p.append(slots.count)
                    } else {
                        unfit.append(line[Field.lineId.rawValue])
                    }
                }
                pointers.append(p)
            }
            let encounter = line0[Field.encounterId.rawValue]
            claimIds.append(encounter)
            var totalCents: Int64 = claim.reduce(0) { $0 + (Money.cents(text: $1[Field.amount.rawValue]) ?? 0) }
            let lineIds = claim.map { $0[Field.lineId.rawValue] }
            // A diagnosis that found no HI slot (more than 12 on the claim) is not in the file.
            let diagnosisRules: Set<RuleID> = [.C04, .C05, .M01, .M02, .M03, .M04]
            for id in unfit {
                for rule in pendingTruth[id] ?? [] where diagnosisRules.contains(rule) {
                    dropped.insert(.init(lineId: id, rule: rule))
                }
                pendingTruth[id]?.removeAll { diagnosisRules.contains($0) }
            }
            var defective: Set<String> = []
            for id in lineIds where pendingTruth[id] != nil { defective.insert(id) }
            if institutional {
                adjustInstitutionalTruth(claim, principal: slots.first)
            } else if !slots.isEmpty {
                // A line left without pointers (its codes found no slot) takes every claim
                // diagnosis, as the scrubber reads it: so do the defects they carry.
                let unpointed = Set(pointers.indices.filter { pointers[$0].isEmpty })
                if !unpointed.isEmpty { spreadDiagnosisTruth(claim, to: unpointed, principal: slots.first) }
            }
            for id in lineIds { pendingTruth.removeValue(forKey: id) }
            var qualifier = "ABK"
            if rng.chance(base.options.errorRate / 4) {
                switch rng.int(0...2) {
                case 0:
                    totalCents += 100
                    truth.append(.init(lineId: encounter, rule: .X02))
                case 1:
                    if let i = claim.indices.first(where: {
                        !defective.contains(claim[$0][Field.lineId.rawValue]) && !institutional
                    }) {
                        pointers[i].append(slots.count + 1)
                        truth.append(.init(lineId: claim[i][Field.lineId.rawValue], rule: .X03))
                    }
                default:
                    if slots.first.map({ $0.first.map { $0.isLetter } ?? false }) == true {
                        qualifier = "BK"
                        truth.append(.init(lineId: encounter, rule: .X03))
                    }
                }
            }
            if !institutional {
                // An 837P line without SV107 is X01 (the guide requires its pointers),
                // unless a pointer was injected above.
                for i in pointers.indices where pointers[i].isEmpty {
                    truth.append(.init(lineId: lineIds[i], rule: .X01))
                }
            }
            let facility = institutional ? "13:A:1" : "\(line0[Field.pos.rawValue]):B:1"
            // CLM06 (provider signature on file) is the 837P's; the 837I does not use it.
            let signature = institutional ? "" : "Y"
            s.append("CLM*\(encounter)*\(Money.format(totalCents))***\(facility)*\(signature)*A*Y*Y")
            if institutional {
                let date = Self.d8(line0[Field.serviceDate.rawValue])
                s.append("DTP*434*RD8*\(date)-\(date)")
                // Admission type elective, point of origin non-health-care facility, discharged home.
                s.append("CL1*3*1*01")
            }
            if !slots.isEmpty {
                let other = qualifier == "BK" ? "BF" : "ABF"
                let coded = slots.enumerated().map { "\($0.offset == 0 ? qualifier : other):\($0.element)" }
                if institutional {
                    // The principal diagnosis has an HI of its own; the others follow in one.
                    s.append("HI*" + coded[0])
                    if coded.count > 1 { s.append("HI*" + coded[1...].joined(separator: "*")) }
                } else {
                    s.append("HI*" + coded.joined(separator: "*"))
                }
            }
            if institutional {
                s.append("NM1*71*1*PROVIDER*TEST****XX*\(line0[Field.rendering.rawValue])")
            }
            for (i, line) in claim.enumerated() {
                s.append("LX*\(i + 1)")
                let mods = [line[Field.modifier1.rawValue], line[Field.modifier2.rawValue]].filter { !$0.isEmpty }
                let procedure = (["HC", line[Field.procedure.rawValue]] + mods).joined(separator: ":")
                if institutional {
                    s.append(
                        "SV2*\(line[Field.revenue.rawValue])*\(procedure)*\(line[Field.amount.rawValue])*UN*\(line[Field.units.rawValue])"
                    )
                } else {
                    let p = pointers[i].prefix(4).map(String.init).joined(separator: ":")
                    // SV105 only when the line's place of service is not the claim's (CLM05-1).
                    let pos = line[Field.pos.rawValue] == line0[Field.pos.rawValue] ? "" : line[Field.pos.rawValue]
                    var sv1 =
                        "SV1*\(procedure)*\(line[Field.amount.rawValue])*UN*\(line[Field.units.rawValue])*\(pos)**\(p)"
                    // Trailing empty elements are left out, separators and all (X12 syntax).
                    while sv1.hasSuffix("*") { sv1.removeLast() }
                    s.append(sv1)
                }
                s.append("DTP*472*D8*\(Self.d8(line[Field.serviceDate.rawValue]))")
                s.append("REF*6R*\(line[Field.lineId.rawValue])")
                s.append("NM1*82*1*PROVIDER*TEST****XX*\(line[Field.rendering.rawValue])")
            }
        }
        var seCount = s.count + 1
        if rng.chance(base.options.errorRate / 20) {
            seCount += 1
            for id in claimIds { truth.append(.init(lineId: id, rule: .X01)) }
        }
        s.append("SE*\(seCount)*\(String(1000 + interchange % 9000))")
        let isa =
            "ISA*00*          *00*          *ZZ*GENERATED      *ZZ*CLEARINGHOUSE  *260630*1200*^*00501*\(control)*0*P*:"
        let gs = "GS*HC*GENERATED*CLEARINGHOUSE*20260630*1200*\(control)*X*\(version)"
        for segment in [isa, gs] + s + ["GE*1*\(control)", "IEA*1*\(control)"] {
            out.append(contentsOf: segment.utf8)
            out.append(0x7E)
            out.append(0x0A)
        }
    }

    /// An 837I line has no diagnosis pointers: every claim diagnosis applies to every line. A
    /// diagnosis defect injected on one line therefore shows on all lines of the claim, and a
    /// manifestation code is primary only when it is the claim's principal diagnosis.
    mutating func adjustInstitutionalTruth(_ claim: [[String]], principal: String?) {
        spreadDiagnosisTruth(claim, to: Set(claim.indices), principal: principal, institutional: true)
    }

    /// The diagnosis defects of each line of `claim`, copied to the lines `targets` that take every
    /// claim diagnosis (all lines of an 837I; an 837P line without pointers), where they apply on
    /// that line's date. On an 837I a manifestation code is primary only as the claim's principal
    /// diagnosis, so the line it was injected on loses its M03 otherwise.
    mutating func spreadDiagnosisTruth(
        _ claim: [[String]], to targets: Set<Int>, principal: String?, institutional: Bool = false
    ) {
        let diagnosisRules: Set<RuleID> = [.C04, .C05, .M01, .M02, .M04]
        let ids = claim.map { $0[Field.lineId.rawValue] }
        for (i, line) in claim.enumerated() {
            for rule in pendingTruth[ids[i]] ?? [] {
                if diagnosisRules.contains(rule) {
                    // A line whose date no ICD-10-CM release covers gets C06 instead of the code-set
                    // findings (C04, C05, M04); the MCE lists (M01, M02) apply whatever the date.
                    // (Its C06 may also be the demo NCCI files' for an old date: the date tells.)
                    let dated: Set<RuleID> = [.C04, .C05, .M04]
                    // M04 needs the Excludes1 pairs, FY2026 only: a line moved to an older date (a
                    // timely-filing defect) gets none.
                    for (j, other) in ids.enumerated()
                    where j != i && targets.contains(j) && !(pendingTruth[other] ?? []).contains(rule) {
                        let day = DayNumber.parse(claim[j][Field.serviceDate.rawValue])
                        if dated.contains(rule) && day >= GeneratorCatalog.firstUncoveredICD10CMDay { continue }
                        if rule == .M04 && day < GeneratorCatalog.firstExcludes1Day { continue }
                        // The age band is broken at the defect line's date; another line's date (a
                        // timely-filing defect's, a year before) may find the patient inside it.
                        if rule == .M01 && !Self.outsideAgeBand(line, on: day) { continue }
                        truth.append(.init(lineId: other, rule: rule))
                    }
                } else if rule == .M03 {
                    let isPrincipal = line[Field.dx1.rawValue].replacingOccurrences(of: ".", with: "") == principal
                    if isPrincipal {
                        for j in targets where j != i { truth.append(.init(lineId: ids[j], rule: .M03)) }
                    } else if institutional {
                        dropped.insert(.init(lineId: ids[i], rule: .M03))
                    }
                }
            }
        }
    }

    /// True when the age-list code among `line`'s diagnoses (an M01 defect's) is for an age band
    /// the patient is outside of on `day`.
    static func outsideAgeBand(_ line: [String], on day: Int32) -> Bool {
        let born = DayNumber.parse(line[Field.dob.rawValue])
        guard DayNumber.isDate(born), DayNumber.isDate(day), born <= day else { return false }
        let age = DayNumber.age(born: born, on: day)
        let lists: [([String], ClosedRange<Int>)] = [
            (GeneratorCatalog.newbornDiagnoses, 0...0), (GeneratorCatalog.pediatricDiagnoses, 0...17),
            (GeneratorCatalog.adultDiagnoses, 15...124),
        ]
        for field in [Field.dx1, .dx2, .dx3, .dx4] {
            for (codes, band) in lists where codes.contains(line[field.rawValue]) { return !band.contains(age) }
        }
        return true
    }

    // MARK: - HL7

    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\E\\"
            case "|": out += "\\F\\"
            case "^": out += "\\S\\"
            case "&": out += "\\T\\"
            case "~": out += "\\R\\"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    mutating func appendMessage(_ claim: [[String]], to out: inout [UInt8]) {
        interchange += 1
        let line0 = claim[0]
        for line in claim { pendingTruth.removeValue(forKey: line[Field.lineId.rawValue]) }
        var segments = [
            "MSH|^~\\&|GENERATOR|HOSP|BILLING|HOSP|20260630120000||DFT^P03^DFT_P03|M\(interchange)|P|2.5",
            "EVN|P03|20260630120000",
            "PID|1||\(Self.escaped(line0[Field.patientId.rawValue]))^^^HOSP^MR||PATIENT^TEST||\(Self.d8(line0[Field.dob.rawValue]))|\(line0[Field.sex.rawValue])",
            "PV1|1|O|\(Self.escaped(line0[Field.department.rawValue]))||||||||||||||||\(line0[Field.encounterId.rawValue])",
        ]
        for (i, line) in claim.enumerated() {
            var f = [String](repeating: "", count: 27)
            f[1] = String(i + 1)
            f[2] = line[Field.lineId.rawValue]
            f[4] = Self.d8(line[Field.serviceDate.rawValue])
            f[5] = Self.d8(line[Field.postDate.rawValue])
            f[6] = "CG"
            f[7] = "CDM" + Self.escaped(line[Field.procedure.rawValue])
            f[10] = line[Field.units.rawValue]
            f[11] = line[Field.amount.rawValue]
            f[13] = Self.escaped(line[Field.department.rawValue])
            f[19] = [Field.dx1, .dx2, .dx3, .dx4].map { Self.escaped(line[$0.rawValue]) }.filter { !$0.isEmpty }.joined(
                separator: "~")
            f[20] = line[Field.rendering.rawValue] + "^PROVIDER^TEST"
            f[25] = Self.escaped(line[Field.procedure.rawValue])
            f[26] = [line[Field.modifier1.rawValue], line[Field.modifier2.rawValue]].filter { !$0.isEmpty }.map(
                Self.escaped
            ).joined(separator: "~")
            segments.append("FT1|" + f[1...].joined(separator: "|"))
        }
        // DFT_P03 puts the INSURANCE group after the FINANCIAL ones (FT1).
        segments.append("IN1|1|PLAN|\(Self.escaped(line0[Field.payer.rawValue]))")
        for segment in segments {
            out.append(contentsOf: segment.utf8)
            out.append(0x0D)
        }
    }
}

extension Money {
    static func cents(text: String) -> Int64? {
        var text = text
        return text.withUTF8 { cents(UnsafeRawBufferPointer($0)) }
    }
}
