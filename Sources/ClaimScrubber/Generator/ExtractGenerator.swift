/// Writes a realistic synthetic charge extract with known defects, and the truth file naming them.
///
/// Encounters of 1–12 lines for a pool of patients (each patient at most one visit a day), about 5%
/// of lines posted as late charges far from their encounter, departments and descriptions with
/// embedded commas, doubled quotes and the odd quoted newline, dates of service in the 90 days
/// before `asOf`. Each defective line carries exactly one defect, and the truth file lists the
/// finding (line_id, rule) it must produce; every other line must come out clean.
public struct ExtractGenerator {
    /// The `--as-of` dates whose 90 days of service lie where the shipped tables and the demo NCCI
    /// files all serve (2026-06-30 through 2026-09-30): there the truth file is exact. Earlier or
    /// later, a scrub gives C06 for dates no release covers in place of some injected defects.
    public static let exactTruthAsOf: ClosedRange<Int32> =
        (GeneratorCatalog.firstDemoNCCIDay + 90)...(GeneratorCatalog.firstUncoveredICD10CMDay - 1)

    public struct Options: Sendable {
        public var lines: Int
        public var seed: UInt64 = 1
        public var errorRate = 0.05
        public var asOf: Int32 = DayNumber.from(year: 2026, month: 6, day: 30)
        /// Defect kinds to inject (default: all).
        public var defects: [Defect] = Defect.allCases
        public init(lines: Int) { self.lines = lines }
    }

    /// One kind of injected defect and the rule that must find it.
    public enum Defect: String, CaseIterable, Sendable {
        case wrongFieldCount, requiredMissing, malformedValue
        case futureService, postBeforeService, pastTimelyFiling, chargeLag, birthDate
        case placeOfService, npi
        case unknownProcedure, procedureNotInEffect, notPayableByMedicare
        case unknownDiagnosis, headerDiagnosis, uncoveredServiceDate
        case invalidModifier, revenueCode
        case ageConflict, sexConflict, manifestationPrimary, excludes1Pair
        case exactDuplicate, probableDuplicate, ptpPair, mueLine, mueDay, orphanAddOn

        /// Encounter defects add or change lines of a whole encounter; the others change one line.
        public var isEncounterDefect: Bool { rule.rawValue.hasPrefix("E") }

        public var rule: RuleID {
            switch self {
            case .wrongFieldCount: return .S01
            case .requiredMissing: return .S02
            case .malformedValue: return .S03
            case .futureService: return .D01
            case .postBeforeService: return .D02
            case .pastTimelyFiling: return .D03
            case .chargeLag: return .D04
            case .birthDate: return .D05
            case .placeOfService: return .C08
            case .npi: return .C09
            case .unknownProcedure: return .C01
            case .procedureNotInEffect: return .C02
            case .notPayableByMedicare: return .C03
            case .unknownDiagnosis: return .C04
            case .headerDiagnosis: return .C05
            case .uncoveredServiceDate: return .C06
            case .invalidModifier: return .C07
            case .revenueCode: return .C10
            case .ageConflict: return .M01
            case .sexConflict: return .M02
            case .manifestationPrimary: return .M03
            case .excludes1Pair: return .M04
            case .exactDuplicate: return .E01
            case .probableDuplicate: return .E02
            case .ptpPair: return .E03
            case .mueLine: return .E04
            case .mueDay: return .E05
            case .orphanAddOn: return .E06
            }
        }
    }

    public struct TruthEntry: Sendable, Hashable {
        public var lineId: String
        public var rule: RuleID
    }

    public static let header = [
        "line_id", "encounter_id", "patient_id", "patient_dob", "patient_sex", "service_date", "post_date",
        "department",
        "rendering_npi", "billing_npi", "place_of_service", "procedure_code", "modifier1", "modifier2", "units",
        "charge_amount", "dx1", "dx2", "dx3", "dx4", "revenue_code", "payer_id", "description",
    ]

    enum Field: Int {
        case lineId, encounterId, patientId, dob, sex, serviceDate, postDate, department, rendering, billing, pos
        case procedure, modifier1, modifier2, units, amount, dx1, dx2, dx3, dx4, revenue, payer, description
    }

    struct Patient {
        var id: String
        var dob: Int32
        var sex: String
        var payer: String
        var visitDays: Set<Int32> = []
    }

    let options: Options
    var rng: SplitMix64
    var patients: [Patient] = []
    var providers: [[String]] = []
    var billingGroups: [String] = []
    var nextLine = 1
    var nextEncounter = 1
    public private(set) var truth: [TruthEntry] = []
    /// Lines that must stay in place (never posted late): originals of injected duplicates, which
    /// must come first in the file for the duplicate to be the later line.
    var keepInPlace: Set<String> = []

    public init(options: Options) {
        self.options = options
        rng = SplitMix64(seed: options.seed)
        let patientCount = max(40, options.lines / 7)
        for i in 0..<patientCount {
            let age = rng.int(0...92)
            // Born at least 91 days before as-of, so every date of service in the window follows birth.
            let dob = options.asOf - Int32(age * 365 + rng.int(91...364))
            patients.append(
                Patient(
                    id: "P\(String(1_000_000 + i))", dob: dob, sex: rng.chance(0.52) ? "F" : "M",
                    payer: rng.pick(GeneratorCatalog.payers)))
        }
        for _ in GeneratorCatalog.departments {
            providers.append((0..<rng.int(4...8)).map { _ in Self.makeNPI(&rng) })
        }
        billingGroups = (0..<3).map { _ in Self.makeNPI(&rng) }
    }

    static func makeNPI(_ rng: inout SplitMix64) -> String {
        let prefix = UInt64(rng.int(100_000_000...299_999_999))
        return String(prefix * 10 + UInt64(NPI.checkDigit(prefix)))
    }

    /// Generates the extract, handing CSV text (header first) to `write` in pieces.
    public mutating func generate(_ write: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.append(contentsOf: Self.header.joined(separator: ",").utf8)
        out.append(0x0A)
        // Late charges wait here, bucketed by the output position they are to appear at.
        var late: [Int: [[String]]] = [:]
        var emitted = 0
        var checked = 0
        var produced = 0
        func emit(_ fields: [String], _ out: inout [UInt8]) {
            Self.appendCSV(fields, to: &out)
            emitted += 1
        }
        while produced < options.lines {
            for fields in makeEncounter(limit: options.lines - produced) {
                produced += 1
                if rng.chance(0.05) && !keepInPlace.contains(fields[Field.lineId.rawValue]) {
                    let distance = rng.int(max(50, options.lines / 200)...max(100, options.lines / 20))
                    late[emitted + distance, default: []].append(fields)
                } else {
                    emit(fields, &out)
                }
                while checked <= emitted {
                    if let due = late.removeValue(forKey: checked) {
                        for item in due { emit(item, &out) }
                    }
                    checked += 1
                }
            }
            if out.count > 1 << 20 {
                try write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        for key in late.keys.sorted() {
            for item in late[key]! { emit(item, &out) }
        }
        try write(out)
    }

    mutating func makeEncounter(limit: Int) -> [[String]] {
        let departmentIndex = pickDepartment()
        let department = GeneratorCatalog.departments[departmentIndex]
        // A patient and a day the patient has no other visit on.
        var patientIndex = rng.int(0...(patients.count - 1))
        var day = options.asOf - Int32(rng.int(1...90))
        var tries = 0
        while patients[patientIndex].visitDays.contains(day) && tries < 20 {
            patientIndex = rng.int(0...(patients.count - 1))
            day = options.asOf - Int32(rng.int(1...90))
            tries += 1
        }
        while patients[patientIndex].visitDays.contains(day) { day -= 1 }
        patients[patientIndex].visitDays.insert(day)
        let patient = patients[patientIndex]
        let encounter = "E\(String(10_000_000 + nextEncounter))"
        nextEncounter += 1
        let rendering = rng.pick(providers[departmentIndex])
        let billing = rng.pick(billingGroups)
        let pos = rng.pick(department.placesOfService)

        var codes: [String] = []
        if !department.visits.isEmpty { codes.append(rng.pick(department.visits)) }
        let wanted = min(limit, Self.lineCount(&rng), department.extras.count + codes.count)
        var menu = department.extras
        while codes.count < wanted && !menu.isEmpty {
            let code = menu.remove(at: rng.int(0...(menu.count - 1)))
            let procedure = GeneratorCatalog.procedures[code]!
            if !procedure.primaries.isEmpty && !procedure.primaries.contains(where: codes.contains) {
                // An add-on comes with one of its primaries, or not at all.
                let possible = procedure.primaries.filter { menu.contains($0) }
                guard let primary = possible.first, codes.count + 2 <= wanted else { continue }
                menu.removeAll { $0 == primary }
                codes.append(primary)
            }
            codes.append(code)
        }
        if codes.isEmpty { codes.append(department.extras[0]) }
        let hasProcedure = codes.contains { !($0.hasPrefix("992")) }
        var lines: [[String]] = []
        let primaryDx = rng.pick(GeneratorCatalog.diagnoses)
        // An add-on billed with its primary, and that primary, keep their date and code: a line
        // defect on either would also orphan the add-on (E06).
        let addOnsBilled = codes.filter { !GeneratorCatalog.procedures[$0]!.primaries.isEmpty }
        let protected = Set(addOnsBilled + addOnsBilled.flatMap { GeneratorCatalog.procedures[$0]!.primaries })
        let lineDefects = options.defects.filter { !$0.isEncounterDefect }
        var defective: Set<Int> = []
        for code in codes {
            let procedure = GeneratorCatalog.procedures[code]!
            var fields = [String](repeating: "", count: Self.header.count)
            fields[Field.lineId.rawValue] = "L\(String(100_000_000 + nextLine))"
            nextLine += 1
            fields[Field.encounterId.rawValue] = encounter
            fields[Field.patientId.rawValue] = patient.id
            fields[Field.dob.rawValue] = DayNumber.format(patient.dob)
            fields[Field.sex.rawValue] = patient.sex
            fields[Field.serviceDate.rawValue] = DayNumber.format(day)
            fields[Field.postDate.rawValue] = DayNumber.format(min(options.asOf, day + Int32(rng.int(0...3))))
            fields[Field.department.rawValue] = department.name
            fields[Field.rendering.rawValue] = rendering
            fields[Field.billing.rawValue] = billing
            fields[Field.pos.rawValue] = pos
            fields[Field.procedure.rawValue] = code
            if code.hasPrefix("992") && hasProcedure && codes.count > 1 {
                fields[Field.modifier1.rawValue] = "25"
            } else if !procedure.modifiers.isEmpty {
                fields[Field.modifier1.rawValue] = rng.pick(procedure.modifiers)
            }
            let units = rng.int(procedure.units)
            fields[Field.units.rawValue] = String(units)
            let fee = procedure.feeCents * units
            fields[Field.amount.rawValue] = Money.format(Int64(fee))
            fields[Field.dx1.rawValue] = primaryDx
            if rng.chance(0.4) {
                let second = rng.pick(GeneratorCatalog.diagnoses)
                if second != primaryDx { fields[Field.dx2.rawValue] = second }
            }
            if department.institutional { fields[Field.revenue.rawValue] = procedure.revenueCode }
            fields[Field.payer.rawValue] = patient.payer
            var description = procedure.description
            if rng.chance(0.004) { description += "\nSee note in chart" }
            // About one line in 300 carries an inch mark, written unquoted as many exporters do
            // (`appendCSV`); taken from the line number so that the random draws stay as they were.
            if nextLine % 307 == 101 { description = "Dressing 4\" x 4\"" }
            fields[Field.description.rawValue] = description
            if rng.chance(options.errorRate) && !lineDefects.isEmpty && !protected.contains(code) {
                inject(rng.pick(lineDefects), into: &fields, serviceDay: day)
                defective.insert(lines.count)
            }
            lines.append(fields)
        }
        let encounterDefects = options.defects.filter(\.isEncounterDefect)
        if !encounterDefects.isEmpty && rng.chance(options.errorRate) {
            injectEncounterDefect(rng.pick(encounterDefects), into: &lines, defective: defective, limit: limit)
        }
        return lines
    }

    /// Adds or changes lines of a whole encounter so that exactly one encounter rule fires, on one
    /// line, named in the truth file. When the encounter offers no fitting line, nothing changes.
    mutating func injectEncounterDefect(_ defect: Defect, into lines: inout [[String]], defective: Set<Int>, limit: Int)
    {
        let clean = lines.indices.filter { !defective.contains($0) }
        func code(_ i: Int) -> String { lines[i][Field.procedure.rawValue] }
        func newLine(from i: Int) -> [String] {
            var copy = lines[i]
            copy[Field.lineId.rawValue] = "L\(String(100_000_000 + nextLine))"
            nextLine += 1
            return copy
        }
        func setUnits(_ fields: inout [String], _ units: Int) {
            let fee = GeneratorCatalog.procedures[fields[Field.procedure.rawValue]]?.feeCents ?? 10_000
            fields[Field.units.rawValue] = String(units)
            fields[Field.amount.rawValue] = Money.format(Int64(fee * units))
        }
        switch defect {
        case .exactDuplicate, .probableDuplicate:
            // Codes whose units, doubled, stay within their MUE: only the duplicate rule fires.
            guard lines.count < limit,
                let i = clean.first(where: { GeneratorCatalog.duplicableCodes.contains(code($0)) })
            else { return }
            keepInPlace.insert(lines[i][Field.lineId.rawValue])
            var copy = newLine(from: i)
            if rng.chance(0.5) {
                copy[Field.encounterId.rawValue] = "E\(String(10_000_000 + nextEncounter))"; nextEncounter += 1
            }
            if defect == .probableDuplicate { setUnits(&copy, Int(copy[Field.units.rawValue])! + 1) }
            truth.append(TruthEntry(lineId: copy[Field.lineId.rawValue], rule: defect.rule))
            lines.append(copy)
        case .ptpPair:
            guard lines.count < limit,
                let i = clean.first(where: { i in GeneratorCatalog.ptpPairs.contains { $0.column1 == code(i) } }),
                let pair = GeneratorCatalog.ptpPairs.first(where: { $0.column1 == code(i) })
            else { return }
            var second = newLine(from: i)
            second[Field.procedure.rawValue] = pair.column2
            second[Field.modifier1.rawValue] = ""
            second[Field.modifier2.rawValue] = ""
            setUnits(&second, 1)
            let firstBypassed = GeneratorCatalog.ptpBypassModifiers.contains(lines[i][Field.modifier1.rawValue])
            var bypassed = pair.indicator == 1 && firstBypassed
            if pair.indicator == 1 && !bypassed && rng.chance(0.35) {
                second[Field.modifier1.rawValue] = "59"
                bypassed = true
            }
            if !bypassed { truth.append(TruthEntry(lineId: second[Field.lineId.rawValue], rule: .E03)) }
            lines.append(second)
        case .mueLine:
            guard let i = clean.first(where: { GeneratorCatalog.mue[code($0)]?.mai == 1 }) else { return }
            setUnits(&lines[i], GeneratorCatalog.mue[code(i)]!.value + rng.int(1...2))
            truth.append(TruthEntry(lineId: lines[i][Field.lineId.rawValue], rule: .E04))
        case .mueDay:
            guard let i = clean.first(where: { (GeneratorCatalog.mue[code($0)]?.mai ?? 0) >= 2 }) else { return }
            setUnits(&lines[i], GeneratorCatalog.mue[code(i)]!.value + rng.int(1...2))
            truth.append(TruthEntry(lineId: lines[i][Field.lineId.rawValue], rule: .E05))
        case .orphanAddOn:
            let present = Set(lines.indices.map(code))
            guard lines.count < limit, let first = clean.first,
                let addOn = GeneratorCatalog.addOnCodes.first(where: { addOn in
                    !present.contains(addOn)
                        && !GeneratorCatalog.procedures[addOn]!.primaries.contains(where: present.contains)
                })
            else { return }
            var line = newLine(from: first)
            line[Field.procedure.rawValue] = addOn
            line[Field.modifier1.rawValue] = ""
            line[Field.modifier2.rawValue] = ""
            line[Field.description.rawValue] = GeneratorCatalog.procedures[addOn]!.description
            line[Field.revenue.rawValue] =
                lines[first][Field.revenue.rawValue].isEmpty ? "" : GeneratorCatalog.procedures[addOn]!.revenueCode
            setUnits(&line, 1)
            truth.append(TruthEntry(lineId: line[Field.lineId.rawValue], rule: .E06))
            lines.append(line)
        default:
            return
        }
    }

    mutating func pickDepartment() -> Int {
        let total = GeneratorCatalog.departments.reduce(0) { $0 + $1.weight }
        var roll = rng.int(0...(total - 1))
        for (i, d) in GeneratorCatalog.departments.enumerated() {
            if roll < d.weight { return i }
            roll -= d.weight
        }
        return 0
    }

    static func lineCount(_ rng: inout SplitMix64) -> Int {
        let roll = rng.int(0...99)
        switch roll {
        case 0..<25: return 1
        case 25..<45: return 2
        case 45..<60: return 3
        case 60..<70: return 4
        default: return rng.int(5...12)
        }
    }

    mutating func inject(_ chosen: Defect, into fields: inout [String], serviceDay: Int32) {
        let lineId = fields[Field.lineId.rawValue]
        var defect = chosen
        if defect == .pastTimelyFiling && DayNumber.parse(fields[Field.dob.rawValue]) > options.asOf - 500 {
            // An infant born after the old service date would also be a birth-date defect. An 837
            // has no post date (D02 could not be found there): a modifier defect instead.
            defect = options.defects.contains(.postBeforeService) ? .postBeforeService : .invalidModifier
        }
        let born = DayNumber.parse(fields[Field.dob.rawValue])
        if [.unknownProcedure, .procedureNotInEffect, .notPayableByMedicare].contains(defect)
            && GeneratorCatalog.primaryCodes.contains(fields[Field.procedure.rawValue])
        {
            // Replacing a primary code would leave its add-on line without it (E06).
            defect = .invalidModifier
        }
        if defect == .ageConflict && !(DayNumber.isDate(born) && born <= serviceDay) {
            // No age on the date of service (an infant born after it): no age edit applies.
            defect = .invalidModifier
        }
        truth.append(TruthEntry(lineId: lineId, rule: defect.rule))
        func set(_ field: Field, _ value: String) { fields[field.rawValue] = value }
        switch defect {
        case .wrongFieldCount:
            fields.append("EXTRA")
        case .requiredMissing:
            set(rng.pick([.encounterId, .patientId, .procedure, .serviceDate, .amount]), "")
        case .malformedValue:
            switch rng.int(0...5) {
            case 0: set(.units, "two")
            case 1: set(.amount, "12.3.4")
            case 2: set(.serviceDate, "2026-02-30")
            case 3: set(.postDate, "2026-13-01")
            case 4: set(.sex, "X")
            default: set(.dob, "19800231")
            }
        case .futureService:
            let day = options.asOf + Int32(rng.int(1...30))
            set(.serviceDate, DayNumber.format(day))
            set(.postDate, DayNumber.format(day))
            // From an as-of date in September on, some fall past the last loaded ICD-10-CM release.
            if day >= GeneratorCatalog.firstUncoveredICD10CMDay { truth.append(TruthEntry(lineId: lineId, rule: .C06)) }
        case .postBeforeService:
            set(.postDate, DayNumber.format(serviceDay - Int32(rng.int(1...5))))
        case .pastTimelyFiling:
            let day = options.asOf - Int32(rng.int(380...500))
            set(.serviceDate, DayNumber.format(day))
            set(.postDate, DayNumber.format(day + Int32(rng.int(0...2))))
            if day < GeneratorCatalog.firstDemoNCCIDay { truth.append(TruthEntry(lineId: lineId, rule: .C06)) }
        case .chargeLag:
            set(.postDate, DayNumber.format(serviceDay + Int32(rng.int(5...30))))
        case .birthDate:
            if rng.chance(0.5) {
                set(.dob, DayNumber.format(serviceDay + Int32(rng.int(1...400))))
            } else {
                set(.dob, DayNumber.format(serviceDay - Int32(365 * 126 + rng.int(0...1500))))
            }
        case .placeOfService:
            set(.pos, rng.pick(["98", "30", "00", "1A"]))
        case .npi:
            let field: Field = rng.chance(0.5) ? .rendering : .billing
            var digits = Array(fields[field.rawValue].utf8)
            digits[9] = 0x30 + (digits[9] - 0x30 + UInt8(rng.int(1...9))) % 10
            set(field, String(decoding: digits, as: UTF8.self))
        default:
            injectCodeDefect(defect, into: &fields, serviceDay: serviceDay, born: born, lineId: lineId)
        }
    }

    /// The code-table defects (C01–C07, C10, M01–M04); codes from `GeneratorCatalog+Defects`.
    /// Diagnosis defects replace dx1 and clear dx2, so no Excludes1 pair forms by chance.
    mutating func injectCodeDefect(
        _ defect: Defect, into fields: inout [String], serviceDay: Int32, born: Int32, lineId: String
    ) {
        func set(_ field: Field, _ value: String) { fields[field.rawValue] = value }
        func diagnosis(_ code: String) {
            set(.dx1, code)
            set(.dx2, "")
        }
        let code = fields[Field.procedure.rawValue]
        let position = GeneratorCatalog.procedurePosition[code, default: 0]
        switch defect {
        case .unknownProcedure:
            set(.procedure, GeneratorCatalog.unknownProcedure(replacing: code))
        case .procedureNotInEffect:
            set(
                .procedure,
                GeneratorCatalog.terminatedProcedures[position % GeneratorCatalog.terminatedProcedures.count])
        case .notPayableByMedicare:
            set(
                .procedure,
                GeneratorCatalog.notPayableProcedures[position % GeneratorCatalog.notPayableProcedures.count])
        case .unknownDiagnosis:
            diagnosis(rng.pick(GeneratorCatalog.unknownDiagnoses))
        case .headerDiagnosis:
            diagnosis(rng.pick(GeneratorCatalog.headerDiagnoses))
        case .uncoveredServiceDate:
            // FY2027 is not loaded; such a date is also after the default as-of date (D01).
            let day = GeneratorCatalog.firstUncoveredICD10CMDay + Int32(rng.int(0...29))
            set(.serviceDate, DayNumber.format(day))
            set(.postDate, DayNumber.format(day))
            if day > options.asOf { truth.append(TruthEntry(lineId: lineId, rule: .D01)) }
        case .invalidModifier:
            set(.modifier2, rng.pick(GeneratorCatalog.invalidModifiers))
        case .revenueCode:
            set(.revenue, rng.pick(GeneratorCatalog.malformedRevenueCodes))
        case .ageConflict:
            let age = DayNumber.age(born: born, on: serviceDay)
            if age < 15 {
                diagnosis(rng.pick(GeneratorCatalog.adultDiagnoses))
            } else if age < 18 || rng.chance(0.3) {
                diagnosis(rng.pick(GeneratorCatalog.newbornDiagnoses))
            } else {
                diagnosis(rng.pick(GeneratorCatalog.pediatricDiagnoses))
            }
        case .sexConflict:
            let female = fields[Field.sex.rawValue] == "F"
            diagnosis(rng.pick(female ? GeneratorCatalog.maleDiagnoses : GeneratorCatalog.femaleDiagnoses))
        case .manifestationPrimary:
            diagnosis(rng.pick(GeneratorCatalog.manifestationDiagnoses))
        case .excludes1Pair:
            let pair = rng.pick(GeneratorCatalog.excludes1Pairs)
            set(.dx1, pair.0)
            set(.dx2, pair.1)
        default:
            break
        }
    }

    /// Joins fields as one CSV record, quoting where RFC 4180 needs it, except that a field whose
    /// only special bytes are quotes inside it (an inch mark: `Dressing 4" x 4"`) is written as it
    /// is, as many exporters write it; readers take such a quote as text.
    static func appendCSV(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            let bytes = field.utf8
            if bytes.first != 0x22, bytes.contains(0x22),
                !bytes.contains(where: { $0 == 0x2C || $0 == 0x0A || $0 == 0x0D })
            {
                out.append(contentsOf: bytes)
            } else {
                CSVText.append(field, to: &out)
            }
        }
        out.append(0x0A)
    }

    /// The truth file: `line_id,rule`, sorted.
    public func truthCSV() -> [UInt8] {
        var out = Array("line_id,rule\n".utf8)
        for entry in truth.sorted(by: { ($0.lineId, $0.rule) < ($1.lineId, $1.rule) }) {
            out.append(contentsOf: "\(entry.lineId),\(entry.rule.rawValue)\n".utf8)
        }
        return out
    }
}
