/// The canonical charge extract columns (DOMAIN.md) and the header names they go by.
public enum Column: String, CaseIterable, Sendable {
    case lineId = "line_id"
    case encounterId = "encounter_id"
    case patientId = "patient_id"
    case patientDob = "patient_dob"
    case patientSex = "patient_sex"
    case serviceDate = "service_date"
    case postDate = "post_date"
    case department
    case renderingNpi = "rendering_npi"
    case billingNpi = "billing_npi"
    case placeOfService = "place_of_service"
    case procedureCode = "procedure_code"
    case modifier1, modifier2, modifier3, modifier4
    case modifiers
    case units
    case chargeAmount = "charge_amount"
    case dx1, dx2, dx3, dx4, dx5, dx6, dx7, dx8, dx9, dx10, dx11, dx12
    case revenueCode = "revenue_code"
    case ndc
    case payerId = "payer_id"
    /// The UB-04 type of bill (facility type and frequency, `131`; an 837I's CLM05-1 and CLM05-3):
    /// an inpatient bill (11x, 18x, 21x) meets no outpatient NCCI PTP or MUE edit.
    case billType = "bill_type"

    /// Position in `allCases`, without hashing: a switch the compiler turns into a table.
    @inline(__always)
    public var index: Int {
        switch self {
        case .lineId: return 0
        case .encounterId: return 1
        case .patientId: return 2
        case .patientDob: return 3
        case .patientSex: return 4
        case .serviceDate: return 5
        case .postDate: return 6
        case .department: return 7
        case .renderingNpi: return 8
        case .billingNpi: return 9
        case .placeOfService: return 10
        case .procedureCode: return 11
        case .modifier1: return 12
        case .modifier2: return 13
        case .modifier3: return 14
        case .modifier4: return 15
        case .modifiers: return 16
        case .units: return 17
        case .chargeAmount: return 18
        case .dx1: return 19
        case .dx2: return 20
        case .dx3: return 21
        case .dx4: return 22
        case .dx5: return 23
        case .dx6: return 24
        case .dx7: return 25
        case .dx8: return 26
        case .dx9: return 27
        case .dx10: return 28
        case .dx11: return 29
        case .dx12: return 30
        case .revenueCode: return 31
        case .ndc: return 32
        case .payerId: return 33
        case .billType: return 34
        }
    }

    /// Columns without which a line cannot be scrubbed: missing from the header → exit 2;
    /// empty on a line → S02.
    public static let required: [Column] = [.encounterId, .patientId, .serviceDate, .procedureCode]

    public static let diagnoses: [Column] = [.dx1, .dx2, .dx3, .dx4, .dx5, .dx6, .dx7, .dx8, .dx9, .dx10, .dx11, .dx12]
    public static let modifierColumns: [Column] = [.modifier1, .modifier2, .modifier3, .modifier4]

    /// Fields holding patient identity: their values never go into findings, logs or reports.
    public var isPatientIdentity: Bool {
        self == .patientId || self == .patientDob || self == .patientSex
    }

    /// Common header names used by real exports, compared after normalising (lower case, letters
    /// and digits only).
    var aliases: [String] {
        switch self {
        case .lineId: return ["lineid", "chargeid", "chargelineid", "transactionid", "txnid", "chargeseq", "lineno"]
        case .encounterId:
            return [
                "encounterid", "encounter", "encounternumber", "encounterno", "visitid", "visitnumber", "visit",
                "accountnumber", "account", "acctnum", "acctno", "csn", "fin", "har", "claimid",
            ]
        case .patientId:
            return [
                "patientid", "mrn", "patientmrn", "medicalrecordnumber", "memberid", "patientnumber", "personid",
                "patient",
            ]
        case .patientDob: return ["patientdob", "dob", "birthdate", "dateofbirth", "patientbirthdate"]
        case .patientSex: return ["patientsex", "sex", "gender", "patientgender"]
        case .serviceDate:
            return ["servicedate", "dos", "dateofservice", "svcdate", "servicedt", "fromdate", "servicefromdate"]
        case .postDate: return ["postdate", "postingdate", "postdt", "entrydate", "chargepostdate", "posteddate"]
        case .department:
            return ["department", "dept", "departmentname", "deptname", "revenuedepartment", "costcenter"]
        case .renderingNpi:
            return ["renderingnpi", "renderingprovidernpi", "providernpi", "performingnpi", "performingprovidernpi"]
        case .billingNpi: return ["billingnpi", "billingprovidernpi", "groupnpi"]
        case .placeOfService: return ["placeofservice", "pos", "poscode"]
        case .procedureCode:
            return [
                "procedurecode", "cpt", "cptcode", "hcpcs", "hcpcscode", "cpthcpcs", "hcpcscpt", "proccode",
                "procedure",
            ]
        case .modifier1: return ["modifier1", "mod1", "modifier", "modifierone", "firstmodifier"]
        case .modifier2: return ["modifier2", "mod2", "modifiertwo", "secondmodifier"]
        case .modifier3: return ["modifier3", "mod3", "modifierthree", "thirdmodifier"]
        case .modifier4: return ["modifier4", "mod4", "modifierfour", "fourthmodifier"]
        case .modifiers: return ["modifiers", "mods", "modifierlist"]
        case .units: return ["units", "qty", "quantity", "serviceunits", "unitcount"]
        case .chargeAmount: return ["chargeamount", "amount", "charge", "charges", "totalcharge", "chargeamt"]
        case .revenueCode: return ["revenuecode", "revcode", "revenuecd"]
        case .ndc: return ["ndc", "ndccode", "nationaldrugcode"]
        case .payerId: return ["payerid", "payer", "payor", "payorid", "insurance", "financialclass", "plan"]
        case .billType: return ["billtype", "typeofbill", "tob", "ub04billtype"]
        default:
            // dx1...dx12
            let n = String(rawValue.dropFirst(2))
            return [
                "dx\(n)", "diagnosis\(n)", "diag\(n)", "icd\(n)", "icd10\(n)", "diagnosiscode\(n)", "dxcode\(n)",
                "icd10cm\(n)",
            ]
                // Zero-padded numbers, `ICD01` … `ICD09`.
                + (n.count == 1 ? ["dx0\(n)", "diagnosis0\(n)", "diag0\(n)", "icd0\(n)", "diagnosiscode0\(n)"] : [])
                + [
                    "1": ["primarydx", "primarydiagnosis", "diagnosis", "dx"],
                    "2": ["secondarydx", "secondarydiagnosis", "secondarydiag"],
                    "3": ["tertiarydx", "tertiarydiagnosis", "tertiarydiag"],
                ][n, default: []]
        }
    }

    /// Lower case, letters and digits only: `Date of Service`, `date_of_service` and `DateOfService` agree.
    static func normalise(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }

    /// Names of a lone diagnosis column (`ICD10`, `ICD-10 Code`, `Diagnosis Code`): dx1 when no
    /// other field of the header is a diagnosis, since `ICD10` read as dx10 made a manifestation
    /// code alone in it no primary diagnosis, and M03 passed it.
    static let loneDiagnosisNames: Set<String> = [
        "icd10", "icd10code", "icd10cm", "icd10cmcode", "icd10dx", "icd10diagnosis", "icd", "icdcode",
        "diagnosiscode", "dxcode",
    ]

    /// The column a header name is an alias of, in a header of `names` (normalised). A lone
    /// diagnosis name is dx1 only when no other field is a diagnosis; beside one (`Dx,ICD10`,
    /// `ICD01,ICD02,ICD10`, `Diagnosis,Diagnosis Code`) it is what its name says alone: `icd10`
    /// the tenth, the others nothing.
    static func alias(_ name: String, among names: [String]) -> Column? {
        guard loneDiagnosisNames.contains(name) else { return byAlias[name] }
        let besideAnother = names.contains { other in
            other != name && (loneDiagnosisNames.contains(other) || byAlias[other].map(\.isDiagnosis) == true)
        }
        return besideAnother ? byAlias[name] : .dx1
    }

    /// dx1 … dx12.
    var isDiagnosis: Bool { Column.diagnoses.contains(self) }

    static let byAlias: [String: Column] = {
        var map: [String: Column] = [:]
        for column in Column.allCases {
            for alias in column.aliases where map[alias] == nil { map[alias] = column }
        }
        return map
    }()
}
