/// C01, C02, C03 and C06 for the procedure code: known to the code set in force on the date of
/// service, in effect that day, and (for HCPCS) payable by Medicare.
///
/// - HCPCS Level II (a letter A–V and four digits): looked up in the HCPCS release serving the date
///   of service. Absent: C01. Added later, terminated or discontinued: C02. Coverage code I, M or S:
///   C03 (a warning), for the payers in the rule's scope (see `MedicareCoverageScope`).
/// - CPT (five digits, or four digits and A, F, M, T or U): with a CPT list loaded, C01 and C02 as above;
///   without one only the form is checked and the summary says the CPT table was not loaded.
/// - CDT (D and four digits): the ADA's dental codes, which CMS's HCPCS files leave out (their
///   README says so): with a CDT list loaded (kind `cdt`), C01 and C02 as for CPT; without one, a
///   code the HCPCS file does list is checked as Level II, and any other gets a form check only.
///   They used to be C01 as HCPCS codes absent from the HCPCS file.
/// - Anything else: C01.
/// - No loaded release of the code set serves the date: C06 naming the code set, never C01 or C02.
///   A code set with no release loaded at all is not checked beyond the form.
struct ProcedureCodeRule: LineRule {
    var ids: [RuleID] { [.C01, .C02, .C03, .C06] }

    enum Form {
        case levelII, cpt, cdt, malformed
    }

    /// The form of a packed procedure code.
    ///
    /// Read off the 6-bit values (`PackedCode`: digits 1–10, letters from 11) rather than the
    /// characters they stand for, which took a length count and a conversion per character on
    /// every line.
    @inline(__always)
    static func form(_ code: UInt64) -> Form {
        @inline(__always) func value(_ i: Int) -> UInt64 {
            (code >> UInt64(6 * (PackedCode.maxLength - 1 - i))) & 63
        }
        @inline(__always) func isDigit(_ v: UInt64) -> Bool { v &- 1 < 10 }
        // Five characters: the fifth set and the sixth empty (the first four are checked below).
        guard code != PackedCode.invalid, value(4) != 0, value(5) == 0 else { return .malformed }
        guard isDigit(value(1)), isDigit(value(2)), isDigit(value(3)) else { return .malformed }
        let v0 = value(0)
        let v4 = value(4)
        // A–V; D is the ADA's (CDT).
        if v0 >= 11 && v0 <= 32 { return isDigit(v4) ? (v0 == 14 ? .cdt : .levelII) : .malformed }
        guard isDigit(v0) else { return .malformed }
        // A digit (Category I), or A (Category I vaccine administration, 0001A), F (Category II),
        // M (administrative multianalyte assays, 0002M), T (Category III) or U (proprietary lab
        // analyses). Real NCCI and MUE files list A and M codes from their first rows.
        switch v4 {
        case 1...10, 11, 16, 23, 30, 31: return .cpt
        default: return .malformed
        }
    }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let tables = context.tables
        let hcpcs = tables.hcpcs
        let cpt = tables.cpt
        let cdt = tables.cdt
        let scope = MedicareCoverageScope(context.settings)
        // Whether C03 applies, per distinct payer of the batch (index 0: no payer).
        let coverageApplies = batch.payers.enumerated().map { i, payer in scope.applies(to: i == 0 ? nil : payer) }
        // The HCPCS release of the previous Level II line: a batch's dates almost always share one.
        var hcpcsIndex = -1
        var hcpcsRelease = hcpcs.releases.first
        for r in 0..<batch.count where batch.isCheckable(r) {
            let code = batch.procedure[r]
            if code == 0 { continue }
            let day = batch.serviceDay[r]
            // Only a finding needs the payer's name (a String copy per line otherwise).
            var payer: String? { batch.payerName(r) }
            let form = Self.form(code)
            switch form {
            case .malformed:
                sink.add(
                    .C01, record: r, field: "procedure_code", value: batch.text(.procedureCode, r),
                    message:
                        "not a CPT code (five digits, or four digits and A, F, M, T or U) or a HCPCS Level II code (A–V and four digits)",
                    payer: payer)
            case .levelII, .cdt:
                let dental = form == .cdt
                if dental && cdt.isLoaded {
                    checkListed(code, day: day, in: cdt, codeSet: "CDT", batch, r, &sink, payer)
                    continue
                }
                guard hcpcs.isLoaded, DayNumber.isDate(day) else { continue }
                guard let release = hcpcs.release(on: day) else {
                    if dental { continue }
                    sink.add(
                        .C06, record: r, field: "procedure_code", value: "HCPCS",
                        message:
                            "no loaded HCPCS release covers the date of service \(DayNumber.format(day)) (loaded: \(hcpcs.schedule.coverageText))",
                        payer: payer)
                    continue
                }
                if release != hcpcsIndex {
                    hcpcsIndex = release
                    hcpcsRelease = hcpcs.releases[release]
                }
                let effect = hcpcsRelease!.effect(code, on: day)
                // A CDT code CMS's file does not list (their README: it leaves the ADA's codes
                // out) has its form checked only; one it lists is read as any Level II code.
                if dental, case .unknown = effect { continue }
                if case .inEffect(let coverage) = effect {
                    if HCPCSTable.isNotPayableByMedicare(coverage) && coverageApplies[Int(batch.payerIndex[r])] {
                        sink.add(
                            .C03, record: r, field: "procedure_code", value: batch.text(.procedureCode, r),
                            message:
                                "HCPCS coverage code \(Character(Unicode.Scalar(coverage))): \(Self.coverageText(coverage))",
                            payer: payer)
                    }
                } else {
                    report(
                        effect, codeSet: "HCPCS code", release: "HCPCS \(hcpcsRelease!.name)", batch, r, &sink, payer)
                }
            case .cpt:
                checkListed(code, day: day, in: cpt, codeSet: "CPT", batch, r, &sink, payer)
            }
        }
    }

    /// C01, C02 and C06 for a code of a user-supplied list's code set (CPT, CDT); nothing when no
    /// such list is loaded.
    @inline(__always)
    private func checkListed(
        _ code: UInt64, day: Int32, in list: CodeListTable, codeSet: String, _ batch: ChargeBatch, _ r: Int,
        _ sink: inout FindingSink, _ payer: @autoclosure () -> String?
    ) {
        guard list.isLoaded, DayNumber.isDate(day) else { return }
        guard let release = list.release(on: day) else {
            sink.add(
                .C06, record: r, field: "procedure_code", value: codeSet,
                message:
                    "no loaded \(codeSet) list covers the date of service \(DayNumber.format(day)) (loaded: \(list.schedule.coverageText))",
                payer: payer())
            return
        }
        let effect = list.effect(code, on: day, release: release)
        if case .inEffect = effect { return }
        report(
            effect, codeSet: "\(codeSet) code", release: "\(codeSet) list \(list.releases[release].name)", batch, r,
            &sink, payer())
    }

    private func report(
        _ effect: CodeEffect, codeSet: String, release: String, _ batch: ChargeBatch, _ r: Int,
        _ sink: inout FindingSink,
        _ payer: String?
    ) {
        let value = batch.text(.procedureCode, r)
        let message: String
        let rule: RuleID
        switch effect {
        case .unknown:
            rule = .C01
            message = "\(codeSet) is not in \(release)"
        case .notYetAdded(let added):
            rule = .C02
            message = "\(codeSet) was added \(DayNumber.format(added)), after the date of service (\(release))"
        case .terminated(let last):
            rule = .C02
            message = "\(codeSet) was terminated; its last day was \(DayNumber.format(last)) (\(release))"
        case .discontinued(let from):
            rule = .C02
            message = "\(codeSet) was discontinued effective \(DayNumber.format(from)) (\(release))"
        case .inEffect:
            return
        }
        sink.add(rule, record: r, field: "procedure_code", value: value, message: message, payer: payer)
    }

    static func coverageText(_ coverage: UInt8) -> String {
        switch coverage {
        case 0x49: return "not payable by Medicare"
        case 0x4D: return "non-covered by Medicare"
        default: return "non-covered by Medicare statute"
        }
    }
}

/// Which payers C03 (HCPCS coverage: not payable by Medicare) applies to.
///
/// By default Medicare payers and payers the configuration gives no class (a coverage code is a
/// Medicare fact, and an unconfigured payer may be Medicare): `payer_classes = ["medicare",
/// "unclassified"]`. Set `[rules.C03] payer_classes = ["medicare"]` to keep it to payers configured
/// as Medicare. A payer whose own `rules` name C03 gets it whatever its class.
struct MedicareCoverageScope {
    static let parameter = "payer_classes"
    static let unclassified = "unclassified"
    static let defaultClasses = [PayerClass.medicare.rawValue, unclassified]

    let classes: Set<String>
    let settings: RuleSettings

    init(_ settings: RuleSettings) {
        self.settings = settings
        let listed = settings.parameters[.C03]?[Self.parameter]?.list?.compactMap { $0.string?.lowercased() }
        classes = Set(listed ?? Self.defaultClasses)
    }

    func applies(to payer: String?) -> Bool {
        guard let payer, let payerSettings = settings.payers[payer] else { return classes.contains(Self.unclassified) }
        if let override = payerSettings.rules[.C03], override != nil { return true }
        guard let payerClass = payerSettings.payerClass else { return classes.contains(Self.unclassified) }
        return classes.contains(payerClass.rawValue)
    }
}
