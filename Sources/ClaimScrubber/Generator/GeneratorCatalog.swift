/// The synthetic world the generator draws from: procedures with fees and units, departments with
/// their menus, diagnoses. Codes are real (HCPCS Level II codes active in the shipped file, ICD-10-CM
/// codes billable in FY2025 and FY2026 and outside every MCE age or sex list); CPT codes are used by
/// number only. The demo NCCI and MUE tables in data/demo-tables are written to match these menus:
/// no two codes of one menu form a PTP pair, and ordinary units stay within every MUE value.
enum GeneratorCatalog {
    struct Procedure {
        var code: String
        var feeCents: Int
        var units: ClosedRange<Int>
        var description: String
        var revenueCode: String
        /// A modifier the line usually carries (e.g. a side), drawn from these; empty: none.
        var modifiers: [String] = []
        /// For add-on codes: the primary codes it needs on the same day.
        var primaries: [String] = []
    }

    struct Department {
        var name: String
        var placesOfService: [String]
        var institutional: Bool
        var visits: [String]
        var extras: [String]
        var weight: Int
    }

    static let procedures: [String: Procedure] = {
        let list: [Procedure] = [
            .init(
                code: "99202", feeCents: 9_500, units: 1...1, description: "Office visit, new patient, straightforward",
                revenueCode: "0510"),
            .init(
                code: "99203", feeCents: 14_500, units: 1...1, description: "Office visit, new patient, low",
                revenueCode: "0510"),
            .init(
                code: "99204", feeCents: 21_500, units: 1...1, description: "Office visit, new patient, moderate",
                revenueCode: "0510"),
            .init(
                code: "99205", feeCents: 28_500, units: 1...1, description: "Office visit, new patient, high",
                revenueCode: "0510"),
            .init(
                code: "99212", feeCents: 7_500, units: 1...1, description: "Office visit, established, straightforward",
                revenueCode: "0510"),
            .init(
                code: "99213", feeCents: 11_000, units: 1...1, description: "Office visit, established, low",
                revenueCode: "0510"),
            .init(
                code: "99214", feeCents: 16_500, units: 1...1, description: "Office visit, established, moderate",
                revenueCode: "0510"),
            .init(
                code: "99215", feeCents: 22_500, units: 1...1, description: "Office visit, established, high",
                revenueCode: "0510"),
            .init(
                code: "99283", feeCents: 24_000, units: 1...1, description: "Emergency visit, moderate",
                revenueCode: "0450"),
            .init(
                code: "99284", feeCents: 39_000, units: 1...1, description: "Emergency visit, moderately high",
                revenueCode: "0450"),
            .init(
                code: "99285", feeCents: 58_000, units: 1...1, description: "Emergency visit, high", revenueCode: "0450"
            ),
            .init(
                code: "36415", feeCents: 1_800, units: 1...1, description: "Venipuncture, routine", revenueCode: "0300"),
            .init(
                code: "80053", feeCents: 4_200, units: 1...1, description: "Comprehensive metabolic panel",
                revenueCode: "0301"),
            .init(
                code: "85025", feeCents: 3_100, units: 1...1, description: "Blood count, complete, automated",
                revenueCode: "0305"),
            .init(
                code: "81002", feeCents: 1_200, units: 1...1, description: "Urinalysis, non-automated",
                revenueCode: "0300"),
            .init(
                code: "87880", feeCents: 2_900, units: 1...1, description: "Strep A antigen, rapid", revenueCode: "0306"
            ),
            .init(
                code: "93000", feeCents: 5_400, units: 1...1,
                description: "Electrocardiogram, \"12-lead\", with report", revenueCode: "0730"),
            .init(
                code: "71046", feeCents: 9_800, units: 1...1, description: "Chest X-ray, 2 views", revenueCode: "0320"),
            .init(
                code: "73610", feeCents: 8_700, units: 1...1, description: "Ankle X-ray, 3 views", revenueCode: "0320",
                modifiers: ["RT", "LT"]),
            .init(
                code: "20610", feeCents: 13_200, units: 1...1, description: "Arthrocentesis, major joint",
                revenueCode: "0361", modifiers: ["RT", "LT"]),
            .init(
                code: "11042", feeCents: 19_800, units: 1...1, description: "Debridement, subcutaneous, first 20 sq cm",
                revenueCode: "0761"),
            .init(
                code: "11045", feeCents: 6_100, units: 1...3, description: "Debridement, each additional 20 sq cm",
                revenueCode: "0761", primaries: ["11042"]),
            .init(
                code: "11102", feeCents: 12_400, units: 1...1, description: "Tangential biopsy, skin, single lesion",
                revenueCode: "0510"),
            .init(
                code: "11103", feeCents: 5_300, units: 1...3, description: "Tangential biopsy, each additional lesion",
                revenueCode: "0510", primaries: ["11102"]),
            .init(
                code: "12001", feeCents: 17_600, units: 1...1, description: "Simple repair, 2.5 cm or less",
                revenueCode: "0450"),
            .init(
                code: "17110", feeCents: 11_900, units: 1...1, description: "Destruction of benign lesions, up to 14",
                revenueCode: "0510"),
            .init(
                code: "69210", feeCents: 6_800, units: 1...1, description: "Removal of impacted cerumen",
                revenueCode: "0510", modifiers: ["RT", "LT"]),
            .init(
                code: "96372", feeCents: 3_600, units: 1...2, description: "Injection, therapeutic, \"IM\" or SC",
                revenueCode: "0510"),
            .init(
                code: "96374", feeCents: 15_200, units: 1...1, description: "IV push, single or initial drug",
                revenueCode: "0450"),
            .init(
                code: "96375", feeCents: 6_200, units: 1...2, description: "IV push, each additional sequential drug",
                revenueCode: "0450", primaries: ["96374"]),
            .init(
                code: "99417", feeCents: 7_900, units: 1...2, description: "Prolonged office service, each 15 minutes",
                revenueCode: "0510", primaries: ["99205", "99215"]),
            .init(
                code: "90471", feeCents: 2_500, units: 1...1, description: "Immunization administration",
                revenueCode: "0510"),
            .init(
                code: "90686", feeCents: 3_900, units: 1...1,
                description: "Influenza vaccine, quadrivalent, preservative free", revenueCode: "0636"),
            .init(
                code: "97110", feeCents: 4_100, units: 1...4, description: "Therapeutic exercises, each 15 minutes",
                revenueCode: "0420", modifiers: ["GP"]),
            .init(
                code: "97140", feeCents: 3_800, units: 1...4, description: "Manual therapy, each 15 minutes",
                revenueCode: "0420", modifiers: ["GP"]),
            .init(
                code: "J1100", feeCents: 350, units: 1...10,
                description: "Injection, dexamethasone sodium phosphate, 1 mg", revenueCode: "0636"),
            .init(
                code: "J3301", feeCents: 420, units: 1...4, description: "Injection, triamcinolone acetonide, 10 mg",
                revenueCode: "0636"),
            .init(
                code: "J1885", feeCents: 290, units: 1...2, description: "Injection, ketorolac, 15 mg",
                revenueCode: "0636"),
            .init(
                code: "J0696", feeCents: 810, units: 1...2, description: "Injection, ceftriaxone sodium, per 250 mg",
                revenueCode: "0636"),
            .init(
                code: "J2405", feeCents: 240, units: 1...2, description: "Injection, ondansetron, per 1 mg",
                revenueCode: "0636"),
            .init(
                code: "G0008", feeCents: 2_700, units: 1...1, description: "Administration of influenza virus vaccine",
                revenueCode: "0771"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.code, $0) })
    }()

    static let departments: [Department] = [
        .init(
            name: "Family Medicine", placesOfService: ["11"], institutional: false,
            visits: ["99212", "99213", "99214", "99215", "99203", "99204"],
            extras: [
                "36415", "85025", "80053", "81002", "87880", "90471", "90686", "93000", "96372", "J1885", "J3301",
                "J1100", "11102", "11103", "17110", "69210", "G0008", "99417",
            ],
            weight: 40),
        .init(
            name: "Emergency, Adult", placesOfService: ["23"], institutional: true,
            visits: ["99283", "99284", "99285"],
            extras: [
                "96374", "96375", "J2405", "J1885", "J0696", "71046", "12001", "93000", "36415", "85025", "80053",
            ],
            weight: 20),
        .init(
            name: "Orthopedics", placesOfService: ["11", "22"], institutional: false,
            visits: ["99203", "99204", "99205", "99213", "99214"],
            extras: ["20610", "73610", "J3301", "J1100", "96372"],
            weight: 12),
        .init(
            name: "Wound Care", placesOfService: ["22"], institutional: true,
            visits: ["99213", "99214"],
            extras: ["11042", "11045"],
            weight: 8),
        .init(
            name: "Physical Therapy", placesOfService: ["11"], institutional: false,
            visits: [],
            extras: ["97110", "97140"],
            weight: 10),
        .init(
            name: "Cardiology, Adult", placesOfService: ["11", "22"], institutional: false,
            visits: ["99204", "99214", "99215"],
            extras: ["93000", "71046", "80053", "36415"],
            weight: 10),
    ]

    /// Billable in FY2025 and FY2026, in no MCE age or sex list.
    static let diagnoses = [
        "I10", "E11.9", "E78.5", "J06.9", "R07.9", "R06.02", "N39.0", "J20.9", "M25.561", "K21.9", "F41.9", "E03.9",
        "R51.9", "M54.50", "R10.9", "J45.909", "E66.01", "R05.1", "M17.11", "E11.65", "Z79.899", "H10.31", "L03.115",
        "A08.4", "Z23",
    ]

    /// Codes whose units, doubled plus one, stay within their demo MUE: safe to duplicate.
    static let duplicableCodes: Set<String> = ["J1100", "J3301", "J1885", "J0696", "J2405", "11045"]

    /// The demo NCCI PTP pairs in force in 2026 (data/demo-tables), column 1 → column 2. The column-2
    /// codes appear only when a pair is injected.
    static let ptpPairs: [(column1: String, column2: String, indicator: Int)] = [
        ("93000", "93005", 0), ("97140", "97530", 1), ("20610", "20611", 1), ("11042", "11000", 1),
    ]

    static let ptpBypassModifiers: Set<String> = [
        "59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79",
        "91", "LT", "RT",
    ]

    /// Add-on codes of the demo add-on table.
    static let addOnCodes = ["11045", "11103", "96375", "99417"]

    /// The demo MUE values (data/demo-tables), the same in both settings.
    static let mue: [String: (value: Int, mai: Int)] = {
        var table: [String: (Int, Int)] = [:]
        for code in [
            "99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215", "99283", "99284", "99285",
            "80053", "93000", "96374", "11102", "G0008", "11000", "99211",
        ] { table[code] = (1, 2) }
        for (code, value) in [
            ("36415", 2), ("85025", 1), ("81002", 2), ("87880", 2), ("71046", 2), ("73610", 2),
            ("97110", 6), ("97140", 6), ("97530", 6), ("96375", 6), ("11103", 6), ("11045", 20), ("99417", 4),
            ("96372", 4), ("J1100", 30), ("J3301", 16), ("J1885", 8), ("J0696", 8), ("J2405", 8),
        ] { table[code] = (value, 3) }
        for (code, value) in [
            ("12001", 1), ("17110", 1), ("69210", 1), ("90471", 1), ("90686", 1), ("20610", 2),
            ("20611", 2), ("11042", 1), ("93005", 1),
        ] { table[code] = (value, 1) }
        return table
    }()

    static let payers = ["MCR01", "MCD01", "BCBS01", "AETNA01", "UHC01", "CIGNA01", "SELF"]
}
