import Foundation
import Testing

@testable import ClaimScrubber

/// The generator's code-table defects against the shipped tables: each chosen code is what its
/// defect needs, every injected defect is found, and no code-table finding lands on a clean line.
@Suite struct GeneratorCatalogTests {
    static let tables = RuleHarness.shipped
    static let on = day("2026-05-01")
    static let codeDefects: [ExtractGenerator.Defect] = [
        .unknownProcedure, .procedureNotInEffect, .notPayableByMedicare, .unknownDiagnosis, .headerDiagnosis,
        .uncoveredServiceDate, .invalidModifier, .revenueCode, .ageConflict, .sexConflict, .manifestationPrimary,
        .excludes1Pair,
    ]
    static let editedLists: MCETable.Lists = [.newborn, .pediatric, .maternity, .adult, .female, .male, .manifestation]
    static let codeRules: Set<RuleID> = [.C01, .C02, .C03, .C04, .C05, .C06, .C07, .C10, .M01, .M02, .M03, .M04]

    func hcpcs(_ code: String, on date: Int32 = on) -> CodeEffect {
        let release = Self.tables.hcpcs.release(on: date)!
        return Self.tables.hcpcs.effect(packed(code), on: date, release: release)
    }

    func mceLists(_ code: String) -> MCETable.Lists { Self.tables.mce.lists(packed(code), on: Self.on) }

    @Test func theCatalogsOwnCodesAreCleanOnEveryDateItUses() {
        for date in [day("2025-02-01"), day("2026-06-29")] {
            for code in GeneratorCatalog.procedureOrder where ProcedureCodeRule.form(packed(code)) == .levelII {
                #expect(
                    hcpcs(code, on: date) == .inEffect(coverage: 0x43)
                        || hcpcs(code, on: date) == .inEffect(coverage: 0x44), "\(code)")
            }
            for code in GeneratorCatalog.diagnoses {
                #expect(Self.tables.icd10cm.status(packed(code), on: date) == .billable, "\(code)")
                // On no list an M-rule edits (Principal_Unacceptable, e.g. Z23, is no rule's).
                #expect(Self.tables.mce.lists(packed(code), on: date).isDisjoint(with: Self.editedLists), "\(code)")
            }
        }
    }

    /// The truth file's C06 for old dates of service follows the demo NCCI files' coverage.
    @Test func theDemoNCCIFilesServeFromTheDayTheGeneratorAssumes() {
        let demo = Fixtures.demoTablesCache
        for setting in [ServiceSetting.practitioner, .outpatientHospital] {
            for day in [GeneratorCatalog.firstDemoNCCIDay - 1, GeneratorCatalog.firstDemoNCCIDay] {
                let served = day >= GeneratorCatalog.firstDemoNCCIDay
                #expect((demo.ptp.release(on: day, setting: setting) != nil) == served, "\(setting)")
                #expect((demo.mue.release(on: day, setting: setting) != nil) == served, "\(setting)")
            }
        }
    }

    @Test func procedureDefectCodesAreWhatTheirRuleNeeds() {
        for code in GeneratorCatalog.procedureOrder {
            #expect(hcpcs(GeneratorCatalog.unknownProcedure(replacing: code)) == .unknown)
        }
        #expect(
            Set(GeneratorCatalog.procedureOrder.map(GeneratorCatalog.unknownProcedure)).count
                == GeneratorCatalog.procedureOrder.count)
        #expect(GeneratorCatalog.terminatedProcedures.count >= GeneratorCatalog.procedureOrder.count)
        #expect(GeneratorCatalog.notPayableProcedures.count >= GeneratorCatalog.procedureOrder.count)
        for code in GeneratorCatalog.terminatedProcedures {
            switch hcpcs(code, on: day("2024-01-01")) {
            case .terminated, .discontinued: break
            default: Issue.record("\(code) is in effect")
            }
        }
        for code in GeneratorCatalog.notPayableProcedures {
            guard case .inEffect(let coverage) = hcpcs(code, on: day("2024-01-01")) else {
                Issue.record("\(code) is not in effect")
                continue
            }
            #expect(HCPCSTable.isNotPayableByMedicare(coverage), "\(code)")
        }
    }

    @Test func diagnosisDefectCodesAreWhatTheirRuleNeeds() {
        let icd = Self.tables.icd10cm
        for date in [day("2025-02-01"), day("2026-06-29")] {
            for code in GeneratorCatalog.unknownDiagnoses {
                #expect(icd.status(packed(code), on: date) == .unknown, "\(code)")
            }
            for code in GeneratorCatalog.headerDiagnoses {
                #expect(icd.status(packed(code), on: date) == .header, "\(code)")
            }
            let billable =
                GeneratorCatalog.newbornDiagnoses + GeneratorCatalog.pediatricDiagnoses
                + GeneratorCatalog.adultDiagnoses
                + GeneratorCatalog.femaleDiagnoses + GeneratorCatalog.maleDiagnoses
                + GeneratorCatalog.manifestationDiagnoses
                + GeneratorCatalog.excludes1Pairs.flatMap { [$0.0, $0.1] }
            for code in billable { #expect(icd.status(packed(code), on: date) == .billable, "\(code)") }
        }
        for code in GeneratorCatalog.unknownDiagnoses + GeneratorCatalog.headerDiagnoses {
            #expect(mceLists(code).isEmpty)
        }
        for code in GeneratorCatalog.newbornDiagnoses { #expect(mceLists(code) == .newborn) }
        for code in GeneratorCatalog.pediatricDiagnoses { #expect(mceLists(code) == .pediatric) }
        for code in GeneratorCatalog.adultDiagnoses { #expect(mceLists(code) == .adult) }
        for code in GeneratorCatalog.femaleDiagnoses { #expect(mceLists(code) == .female) }
        for code in GeneratorCatalog.maleDiagnoses { #expect(mceLists(code) == .male) }
        for code in GeneratorCatalog.manifestationDiagnoses { #expect(mceLists(code) == .manifestation) }
        let excludes1 = Self.tables.excludes1
        let release = excludes1.release(on: Self.on)!
        for (a, b) in GeneratorCatalog.excludes1Pairs {
            #expect(
                excludes1.excludes(packed(a), packed(b), release: release)
                    || excludes1.excludes(packed(b), packed(a), release: release))
            #expect(mceLists(a).isDisjoint(with: Self.editedLists) && mceLists(b).isDisjoint(with: Self.editedLists))
        }
        // The catalog's own diagnoses form no Excludes1 pair among themselves.
        for a in GeneratorCatalog.diagnoses {
            for b in GeneratorCatalog.diagnoses where a != b {
                #expect(!excludes1.excludes(packed(a), packed(b), release: release), "\(a) \(b)")
            }
        }
        #expect(Self.tables.icd10cm.release(on: GeneratorCatalog.firstUncoveredICD10CMDay) == nil)
        #expect(Self.tables.icd10cm.release(on: GeneratorCatalog.firstUncoveredICD10CMDay - 1) != nil)
    }

    @Test func modifierDefectsAreUnknownModifiers() {
        for m in GeneratorCatalog.invalidModifiers {
            #expect(Self.tables.modifiers.state(ModifierTable.pack(m)!, on: Self.on) == .unknown, "\(m)")
        }
    }

    @Test func everyInjectedCodeDefectIsFoundAndNoneOnCleanLines() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let input = (folder.path as NSString).appendingPathComponent("extract.csv")
        var options = ExtractGenerator.Options(lines: 6_000)
        options.seed = 17
        options.errorRate = 0.3
        options.defects = Self.codeDefects
        var generator = ExtractGenerator(options: options)
        var bytes: [UInt8] = []
        generator.generate { bytes.append(contentsOf: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let truth = Set(generator.truth)
        #expect(Set(truth.map(\.rule)).isSuperset(of: Self.codeRules), "every code defect injected")

        var scrub = ScrubOptions(inputs: [input], asOf: options.asOf)
        scrub.outputDirectory = (folder.path as NSString).appendingPathComponent("out")
        scrub.workers = 2
        _ = try ScrubPipeline(options: scrub, tables: Self.tables).run()
        let checked = Self.codeRules.union([.D01])
        let found = Set(
            try Fixtures.findings(scrub.outputDirectory).compactMap { row -> ExtractGenerator.TruthEntry? in
                guard let rule = RuleID(rawValue: row["rule"]!), checked.contains(rule) else { return nil }
                return ExtractGenerator.TruthEntry(lineId: row["line_id"]!, rule: rule)
            })
        let expected = truth.filter { checked.contains($0.rule) }
        #expect(expected.subtracting(found).isEmpty, "missed: \(expected.subtracting(found).prefix(5))")
        #expect(found.subtracting(expected).isEmpty, "spurious: \(found.subtracting(expected).prefix(5))")
    }
}
