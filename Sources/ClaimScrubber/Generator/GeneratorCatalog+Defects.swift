/// The codes the generator injects for the code-table defects (C01–C07, C10, M01–M04), each
/// chosen so that with the default tables (data/tables) it produces exactly its one finding.
/// `GeneratorCatalogTests` checks every one against the loaded tables, so a table update that
/// invalidates a choice fails a test instead of skewing a benchmark's truth.
extension GeneratorCatalog {
    /// Procedure codes in a fixed order: a replacement is picked by the original code's position,
    /// so two lines of one encounter (distinct codes) never get the same replacement (which would
    /// be a duplicate charge, E01/E02).
    static let procedureOrder: [String] = procedures.keys.sorted()
    static let procedurePosition: [String: Int] = Dictionary(
        uniqueKeysWithValues: procedureOrder.enumerated().map { ($1, $0) })

    /// Codes some add-on code of the catalog needs as its primary: replacing one would leave the
    /// add-on without its primary (E06), so procedure defects are not injected on them.
    static let primaryCodes: Set<String> = Set(procedures.values.flatMap(\.primaries))

    /// C01: well-formed HCPCS Level II codes absent from the shipped HCPCS file (K9100–K9199).
    static func unknownProcedure(replacing code: String) -> String {
        "K9\(100 + procedurePosition[code, default: 0])"
    }

    /// C02: HCPCS codes the shipped file terminated before 2019 (termination date or action D).
    static let terminatedProcedures = [
        "A7011", "A9544", "E0463", "E0628", "G0154", "G0163", "G0457", "G0920", "G6018", "G6027", "G6037", "G8494",
        "G8497", "G8500", "G8531", "G8583", "G8594", "G8714", "G8778", "G8779", "G8784", "G8893", "G8898", "G8902",
        "G8906", "G8928", "G8951", "G9195", "G9202", "G9221", "G9237", "G9252", "G9328", "G9381", "G9440", "G9657",
        "G9667", "J1590", "J3130", "L6025", "L7261", "Q9981", "Q9984", "Q9985", "Q9986",
    ]

    /// C03: HCPCS codes in effect with coverage code I, M or S (not payable by Medicare).
    static let notPayableProcedures = [
        "A0398", "E0315", "E1300", "H0039", "H0043", "H2022", "H2034", "H2036", "S0034", "S0078", "S0093", "S0122",
        "S0187", "S0221", "S2061", "S2079", "S2401", "S4014", "S4015", "S4023", "S5161", "S8037", "S8948", "S9088",
        "S9328", "S9339", "S9435", "S9446", "S9451", "S9497", "S9961", "T2022", "T2030", "T2039", "T4524", "T5999",
        "V5070", "V5200", "V5221", "V5244", "V5248", "V5258", "V5263", "V5275", "V5364",
    ]

    /// C04: well-formed ICD-10-CM codes in neither FY2025 nor FY2026 (nor on any MCE list).
    static let unknownDiagnoses = ["E11.99", "R51.99", "K21.99", "N39.99", "J06.99"]
    /// C05: header codes (categories) in FY2025 and FY2026, on no MCE list.
    static let headerDiagnoses = ["E11", "J45", "M54", "R51", "K21", "I25", "E78", "N39", "M25"]
    /// M01: codes billable in FY2025 and FY2026 on exactly one MCE list, an age list.
    static let newbornDiagnoses = ["Z38.00", "Z05.9", "Z05.1"]
    /// (Not E30.1: N92, of the female-only N92.6, excludes it, and on an 837I, where every claim
    /// diagnosis applies to every line, the two made an Excludes1 pair no line was given.)
    static let pediatricDiagnoses = ["F84.3", "F64.2"]
    static let adultDiagnoses = ["F69", "H25.011", "G30.1"]
    /// M02: billable codes on exactly one MCE list, a sex list.
    static let femaleDiagnoses = ["N94.6", "N95.1", "N92.6", "N83.10"]
    static let maleDiagnoses = ["C61", "C60.9", "C62.90"]
    /// M03: billable codes on exactly one MCE list, Principal_Manifestation.
    static let manifestationDiagnoses = ["D63.0", "D63.1", "D63.8"]
    /// M04: billable pairs on no MCE age, sex or manifestation list that FY2026 Excludes1 notes exclude.
    static let excludes1Pairs = [("A09", "K52.9"), ("E11.9", "E10.9"), ("J06.9", "J02.0"), ("E03.9", "E01.8")]
    /// C07: two-character modifiers on no modifier list.
    static let invalidModifiers = ["YZ", "ZY", "Y9", "W1", "ZZ"]
    /// C10: revenue codes of the wrong form.
    static let malformedRevenueCodes = ["450", "1450", "04A0", "04500"]
    /// C06: the first date of service no shipped ICD-10-CM release covers (FY2027 starts).
    static let firstUncoveredICD10CMDay = DayNumber.from(year: 2026, month: 10, day: 1)
    /// M04: the first date of service the shipped Excludes1 pairs (FY2026 only) serve.
    static let firstExcludes1Day = DayNumber.from(year: 2025, month: 10, day: 1)
    /// C06: the first date of service the demo NCCI PTP and MUE files (the April 2026 quarter)
    /// serve. A line dated before it (a timely-filing defect) gets C06 for both when they are
    /// loaded, as the truth file assumes they are (it lists E01–E06).
    static let firstDemoNCCIDay = DayNumber.from(year: 2026, month: 4, day: 1)
}
