/// What an official CMS file name says about its table: kind, release, first day served, setting.
///
/// Recognised names (ARCHITECTURE.md; case-insensitive, `-` and `_` alike, an optional `.zst`):
/// `icd10cm_order_YYYY.txt`, `icd10cm-order-[Month-]YYYY.txt`, `HCPC*ANWEB*.txt|csv`,
/// `ccipra-v*-f*.txt`, `ccioph-v*-f*.txt`, `MCR_MUE_<Setting>Services_Eff_MM-DD-YYYY.csv`, `MCE*`.
struct TableFileName: Equatable {
    var kind: String
    var release: String
    var effective: Int32?
    var through: Int32?
    var setting: ServiceSetting?
    /// Files with the same group form one release (the -f1..-f4 parts of an NCCI PTP version).
    var group: String?

    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ]

    static func month(_ word: String) -> Int? {
        guard word.count >= 3 else { return nil }
        return months.firstIndex { $0.hasPrefix(word) }.map { $0 + 1 }
    }

    /// The file name lower-cased, `-` as `_`, without `.zst`.
    static func normalized(_ name: String) -> String {
        var n = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if n.hasSuffix(".zst") { n.removeLast(4) }
        return n
    }

    /// The official name's kind and dates, or nil for a name that is not an official one. A name
    /// that starts as an official one but breaks its pattern (`MCR_MUE_…_Eff_02-30-2026.csv`,
    /// `ccipra-v3210-f1.txt`) throws: ignored as "not official", or read with a wrong date, it
    /// would leave a table out or serve it on dates it does not cover, without a word.
    static func recognise(_ name: String) throws -> TableFileName? {
        let n = normalized(name)
        if n.hasPrefix("icd10cm_order"), n.hasSuffix(".txt") {
            guard let official = icd10cmOrder(n) else {
                throw nearMiss(
                    name, "an ICD-10-CM order file is named icd10cm_order_YYYY.txt or icd10cm-order-[Month-]YYYY.txt")
            }
            return official
        }
        if n.hasPrefix("hcpc"), n.contains("anweb"), n.hasSuffix(".txt") || n.hasSuffix(".csv") {
            var result = TableFileName(kind: "hcpcs", release: "HCPCS")
            if let m = n.firstMatch(of: /^hcpcs?_?([0-9]{4})(?:_([a-z]{3})[a-z]*)?/), let year = Int(m.1) {
                guard Self.years.contains(year) else {
                    throw nearMiss(name, "the year in an HCPCS file name (HCPCYYYY_…) is \(Self.yearText)")
                }
                let month = m.2.flatMap { Self.month(String($0)) } ?? 1
                result.effective = DayNumber.from(year: year, month: month, day: 1)
                result.release = month == 1 ? "CY\(year)" : "CY\(year) \(months[month - 1].capitalized) update"
            }
            return result
        }
        if n.hasPrefix("ccipra_") || n.hasPrefix("ccioph_"), n.hasSuffix(".txt") {
            guard let official = ncciPTP(n) else {
                throw nearMiss(
                    name,
                    "an NCCI PTP file is named ccipra-vNNNrN-fN.txt or ccioph-vNNNrN-fN.txt (v321r0: version 32.1, "
                        + "quarter digit 0–3; parts f1, f2, …)")
            }
            return official
        }
        if n.hasPrefix("mcr_mue_"), n.hasSuffix(".csv") {
            guard let official = mue(n) else {
                throw nearMiss(
                    name,
                    "an MUE file is named MCR_MUE_<Practitioner|OutpatientHospital|DME>Services_Eff_MM-DD-YYYY.csv "
                        + "with a real date")
            }
            return official
        }
        if n.hasPrefix("mce") {
            // The version (and so the fiscal year) is read from the rows.
            return TableFileName(kind: "mce", release: "MCE")
        }
        return nil
    }

    private static func nearMiss(_ name: String, _ rule: String) -> ScrubError {
        ScrubError(
            "the name looks official but breaks the pattern: \(rule); rename the file or list it in tables.toml",
            file: name)
    }

    /// The years a file name's date may have, as every date the tables read (`DayNumber.parse`).
    static let years = 1800...2200
    static let yearText = "1800–2200"

    private static func icd10cmOrder(_ n: String) -> TableFileName? {
        if let m = n.wholeMatch(of: /icd10cm_order_(?:([a-z]+)_)?([0-9]{4})\.txt/) {
            guard let year = Int(m.2), years.contains(year) else { return nil }
            // The year is the fiscal year; an update named by month starts on that month's first day.
            var effective = DayNumber.from(year: year - 1, month: 10, day: 1)
            var fiscalYear = year
            var release = "FY\(year)"
            if let word = m.1 {
                guard let month = month(String(word)) else { return nil }
                fiscalYear = month >= 10 ? year + 1 : year
                effective = DayNumber.from(year: year, month: month, day: 1)
                release = "FY\(fiscalYear) \(months[month - 1].capitalized) update"
            }
            return TableFileName(
                kind: "icd10cm", release: release, effective: effective,
                through: DayNumber.from(year: fiscalYear, month: 9, day: 30))
        }
        return nil
    }

    private static func ncciPTP(_ n: String) -> TableFileName? {
        // v321r0: version 32.1 (major 32 = 1994 + year, minor = quarter), revision 0 (or none);
        // parts f1, f2, … (CMS ships f1–f4).
        guard let m = n.wholeMatch(of: /cci(pra|oph)_v([0-9]{2})([0-3])(r[0-9]+)?_f([1-9])\.txt/), let major = Int(m.2),
            let minor = Int(m.3)
        else { return nil }
        let setting: ServiceSetting = m.1 == "pra" ? .practitioner : .outpatientHospital
        var result = TableFileName(
            kind: "ptp", release: "NCCI PTP v\(major).\(minor) \(setting.rawValue)", setting: setting)
        result.group = "ptp-\(setting.rawValue)-v\(m.2)\(m.3)\(m.4 ?? "")"
        result.effective = DayNumber.from(year: 1994 + major, month: 1 + 3 * minor, day: 1)
        return result
    }

    private static func mue(_ n: String) -> TableFileName? {
        guard let m = n.wholeMatch(of: /mcr_mue_([a-z_]+?)_?services_eff_([0-9]{2})_([0-9]{2})_([0-9]{4})\.csv/),
            let setting = ServiceSetting.fromName(String(m.1)), let month = Int(m.2), let day = Int(m.3),
            let year = Int(m.4), years.contains(year), (1...12).contains(month), day >= 1,
            day <= DayNumber.daysInMonth(year, month)
        else { return nil }
        let effective = DayNumber.from(year: year, month: month, day: day)
        return TableFileName(
            kind: "mue", release: "MUE \(setting.rawValue) \(DayNumber.format(effective))", effective: effective,
            setting: setting)
    }
}
