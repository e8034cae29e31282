import Foundation

/// `summary.json` written and read back (`claim-scrub report` re-renders from it).
///
/// The layout is fixed by `schemas/summary.schema.json`. Keys are sorted and every list has a
/// stable order, so the bytes outside `run` depend only on the data, never on the worker count or
/// the chunk size. Rates are derived (rounded to 6 decimals); reading ignores them.
extension ScrubSummary {
    /// How many codes each rule lists under `top_codes`.
    public static let topCodesPerRule = 10

    /// The key standing for an empty field or a missing date in the group maps.
    public static let noneKey = "(none)"

    /// Charges of the lines E01 or E02 flagged (`duplicates.charges_cents`), held at `Int64`'s
    /// bounds as the totals are (the summary's own check then refuses them).
    var duplicateChargesCents: Int64 {
        var total = metrics.rules[RuleID.E01.ordinal].chargesCents
        total.addSaturating(metrics.rules[RuleID.E02.ordinal].chargesCents)
        return total
    }

    /// The summary as JSON with sorted keys (stable bytes outside `run`).
    public func json() -> [UInt8] {
        var bytes = JSONText.bytes(of: jsonValue())
        bytes.append(0x0A)
        return bytes
    }

    /// The summary as a typed JSON tree (no `[String: Any]`: see `JSONText` for why).
    func jsonValue() -> JSONValue {
        let m = metrics
        var byRule: [String: JSONValue] = [:]
        for rule in RuleID.allCases where m.findingsByRule[rule.ordinal] > 0 {
            byRule[rule.rawValue] = .int(m.findingsByRule[rule.ordinal])
        }
        let weeks = m.weeks.map { week, tally -> (String, JSONValue) in
            var entry = Self.json(tally)
            if week != ISOWeek.none { entry["week_start"] = .string(DayNumber.format(ISOWeek.monday(week))) }
            return (ISOWeek.label(week), .object(entry))
        }
        return [
            "lines_in": .int(m.records),
            "lines_clean": .int(linesClean),
            "lines_held": .int(linesHeld),
            "lines_with_findings": .int(m.flagged),
            "error_rate": .number(Self.rate(m.held, m.records)),
            "finding_rate": .number(Self.rate(m.flagged, m.records)),
            "charges_cents": .integer(m.chargesCents),
            "held_cents": .integer(m.heldCents),
            "at_risk_cents": .integer(m.atRiskCents),
            "findings_by_rule": .object(byRule),
            "findings_by_severity": ["error": .int(m.errors), "warning": .int(m.warnings)],
            "rules": .object(rulesJSON()),
            "departments": Self.json(m.departments, key: Self.groupKey),
            "providers": Self.json(m.providers, key: Self.providerKey),
            "payers": Self.json(m.payers, key: Self.groupKey),
            "weeks": .object(Dictionary(uniqueKeysWithValues: weeks)),
            "duplicates": [
                "exact": .int(m.findingsByRule[RuleID.E01.ordinal]),
                "probable": .int(m.findingsByRule[RuleID.E02.ordinal]),
                "charges_cents": .integer(duplicateChargesCents),
            ],
            "charge_lag": .object(chargeLagJSON()),
            "tables": .array(tables.map(Self.json)),
            // Without a CPT list, CPT-shaped codes got a format check only (C01 on form, never C02).
            "cpt_table_loaded": .bool(tables.contains { $0.kind == "cpt" }),
            "code_sets_not_loaded": .array(codeSetsNotLoaded.map(JSONValue.string)),
            "rules_off": .array((rulesOff ?? []).map(JSONValue.string)),
            // M04 on lines dated where no Excludes1 list serves (FY2025 in the shipped set).
            "lines_not_checked": ["M04": .int(m.notChecked[.M04] ?? 0)],
            "inputs": .array(
                inputs.map {
                    [
                        "file": .string($0.file), "format": .string($0.format), "compressed": .bool($0.compressed),
                        "lines": .int($0.lines),
                    ]
                }),
            "run": .object(runJSON()),
        ]
    }

    // MARK: - Pieces

    func runJSON() -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "version": .string(run.version), "as_of": .string(run.asOf), "workers": .int(run.workers),
            "fail_on": .string(run.failOn), "output_level": .string(run.outputLevel),
            "chunk_size": .int(run.chunkSize), "memory_limit": .int(run.memoryLimit), "host": .string(run.host),
            "started_at": .string(run.startedAt), "seconds": .object(run.seconds.mapValues(JSONValue.number)),
            "cpu_seconds": .object(run.cpuSeconds.mapValues(JSONValue.number)),
        ]
        if let encoding = run.encoding { object["encoding"] = .string(encoding) }
        return object
    }

    /// A share rounded to 6 decimals, half up (0 when there is nothing to divide by).
    ///
    /// Rounded in integers: in floating point 41 of 640 (0.0640625) came out 0.064062 while 1 of
    /// 128 (0.0078125) came out 0.007813.
    static func rate(_ part: Int, _ whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        let (twice, overflow) = part.magnitude.multipliedReportingOverflow(by: 2_000_000)
        guard !overflow else { return (Double(part) / Double(whole) * 1_000_000).rounded() / 1_000_000 }
        let millionths = (twice + UInt(whole)) / (2 * UInt(whole))
        return (part < 0 ? -1 : 1) * Double(millionths) / 1_000_000
    }

    static func groupKey(_ name: String) -> String { name.isEmpty ? noneKey : name }

    static func providerKey(_ npi: UInt64) -> String {
        switch npi {
        case 0: return noneKey
        case PackedCode.invalid: return "(malformed)"
        default:
            let digits = String(npi)
            return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
        }
    }

    static func json(_ t: GroupTally) -> [String: JSONValue] {
        [
            "lines": .int(t.lines), "lines_with_findings": .int(t.flagged), "lines_held": .int(t.held),
            "findings": .int(t.findings), "errors": .int(t.errors), "warnings": .int(t.warnings),
            "charges_cents": .integer(t.chargesCents), "held_cents": .integer(t.heldCents),
            "at_risk_cents": .integer(t.atRiskCents), "error_rate": .number(rate(t.held, t.lines)),
            "finding_rate": .number(rate(t.flagged, t.lines)),
        ]
    }

    /// Groups (departments, providers, payers) by their key's text. Two groups can have one text
    /// (a department named "(none)" beside empty ones): they are one group in the summary, as the
    /// reader reads "(none)" back as the empty name. `uniqueKeysWithValues` trapped there.
    static func json<Key>(_ groups: [Key: GroupTally], key: (Key) -> String) -> JSONValue {
        .object(merged(groups, key: key).mapValues { .object(json($0)) })
    }

    /// Groups by their key's text, the tallies of one text added together.
    static func merged<Key>(_ groups: [Key: GroupTally], key: (Key) -> String) -> [String: GroupTally] {
        var merged: [String: GroupTally] = [:]
        for (k, tally) in groups { merged[key(k), default: GroupTally()].add(tally) }
        return merged
    }

    static func json(_ release: TableRelease) -> JSONValue {
        var t: [String: JSONValue] = [
            "kind": .string(release.kind), "release": .string(release.release), "file": .string(release.file),
            "entries": .int(release.entries),
        ]
        if let e = release.effective { t["effective"] = .string(e) }
        if let e = release.through { t["through"] = .string(e) }
        return .object(t)
    }

    /// The top codes of every rule, most findings first, then by code.
    public func topCodes() -> [RuleID: [(code: String, findings: Int)]] {
        var byRule: [RuleID: [(key: UInt64, findings: Int)]] = [:]
        for (key, n) in metrics.topCodes {
            guard let rule = TopCode.rule(of: key) else { continue }
            byRule[rule, default: []].append((key, n))
        }
        // Ties by the code's text, as the schema says: the packed order agrees for codes, but put
        // "(malformed)" last and "(none)" first, which can change the ten that make the cut.
        return byRule.mapValues { entries in
            let named = entries.map { (code: TopCode.text(of: $0.key), findings: $0.findings) }
            let sorted = named.sorted {
                $0.findings != $1.findings
                    ? $0.findings > $1.findings : $0.code.utf8.lexicographicallyPrecedes($1.code.utf8)
            }
            return Array(sorted.prefix(Self.topCodesPerRule))
        }
    }

    func rulesJSON() -> [String: JSONValue] {
        let top = topCodes()
        var result: [String: JSONValue] = [:]
        for rule in RuleID.allCases where metrics.findingsByRule[rule.ordinal] > 0 {
            let t = metrics.rules[rule.ordinal]
            let findings = metrics.findingsByRule[rule.ordinal]
            result[rule.rawValue] = [
                "title": .string(rule.title), "findings": .int(findings), "errors": .int(t.errors),
                "warnings": .int(findings - t.errors), "lines": .int(t.lines),
                "line_rate": .number(Self.rate(t.lines, metrics.records)), "charges_cents": .integer(t.chargesCents),
                "top_codes": .array(
                    (top[rule] ?? []).map { ["code": .string($0.code), "findings": .int($0.findings)] }),
            ]
        }
        return result
    }

    /// Median and p90 by the nearest-rank method: the smallest lag with at least that share of
    /// the records at or below it. Exact (the histogram holds every record).
    public struct LagStatistics: Sendable, Equatable {
        public var lines = 0
        public var median: Int32 = 0
        public var p90: Int32 = 0
        public var overThreshold = 0
    }

    public static func lagStatistics(_ histogram: [Int32: Int], threshold: Int) -> LagStatistics {
        var s = LagStatistics()
        let sorted = histogram.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        s.lines = sorted.reduce(0) { $0 + $1.value }
        guard s.lines > 0 else { return s }
        func percentile(_ numerator: Int, _ denominator: Int) -> Int32 {
            // Nearest rank: ceil(p * n), at least 1.
            let rank = max(1, (numerator * s.lines + denominator - 1) / denominator)
            var seen = 0
            for (lag, n) in sorted {
                seen += n
                if seen >= rank { return lag }
            }
            return sorted.last!.key
        }
        s.median = percentile(1, 2)
        s.p90 = percentile(9, 10)
        // Compared as `Int`: a threshold read from a summary edited by hand can be past `Int32.max`
        // (no lag is over it then); converting it to the lag's type trapped.
        s.overThreshold = sorted.reduce(0) { $0 + (Int($1.key) > threshold ? $1.value : 0) }
        return s
    }

    func lagJSON(_ histogram: [Int32: Int]) -> [String: JSONValue] {
        let s = Self.lagStatistics(histogram, threshold: chargeLagThresholdDays)
        var entry: [String: JSONValue] = [
            "lines": .int(s.lines), "over_threshold": .int(s.overThreshold),
            "over_threshold_rate": .number(Self.rate(s.overThreshold, s.lines)),
            "histogram": .array(
                histogram.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map {
                    ["days": .integer(Int64($0.key)), "lines": .int($0.value)]
                }),
        ]
        if s.lines > 0 {
            entry["median_days"] = .integer(Int64(s.median))
            entry["p90_days"] = .integer(Int64(s.p90))
        }
        return entry
    }

    func chargeLagJSON() -> [String: JSONValue] {
        var entry = lagJSON(metrics.chargeLagAll)
        entry["threshold_days"] = .int(chargeLagThresholdDays)
        let byDepartment = Dictionary(
            metrics.chargeLag.map { (Self.groupKey($0.key), $0.value) },
            uniquingKeysWith: { $0.merging($1, uniquingKeysWith: +) })
        entry["by_department"] = .object(byDepartment.mapValues { .object(lagJSON($0)) })
        return entry
    }
}

// MARK: - Reading summary.json back

extension ScrubSummary {
    /// Reads a summary written by `json()`. Derived values (rates, lag statistics, duplicates) are
    /// recomputed, not read; `top_codes` keeps only the codes listed.
    public init(json bytes: [UInt8], file: String = "summary.json") throws {
        self.init()
        let root: [String: Any]
        do {
            // Fragments allowed, so that `null` or `3` is named as what it is: JSON, not an object.
            guard
                let object = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
                    as? [String: Any]
            else {
                throw ScrubError("not a JSON object (a summary.json is one)", file: file)
            }
            root = object
        } catch let error as ScrubError {
            throw error
        } catch {
            // Foundation's own text ("The data is not in the correct format.") says neither what
            // nor where; its debug description does.
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw ScrubError("not valid JSON (\(detail ?? error.localizedDescription))", file: file)
        }
        var r = JSONReader(file: file)
        var m = ScrubMetrics()
        m.records = try r.int(root, "lines_in")
        m.held = try r.int(root, "lines_held")
        m.flagged = try r.int(root, "lines_with_findings")
        // A summary at odds with itself would make a report of impossible rates (an error rate of
        // 10^17 %): refused rather than drawn.
        for (key, count) in [("lines_held", m.held), ("lines_with_findings", m.flagged)] where count > m.records {
            throw ScrubError("\(key) (\(count)) is more than lines_in (\(m.records))", file: file)
        }
        m.chargesCents = try r.int64(root, "charges_cents")
        m.heldCents = try r.int64(root, "held_cents")
        m.atRiskCents = try r.int64(root, "at_risk_cents")
        let severity = try r.object(root, "findings_by_severity")
        m.errors = try r.int(severity, "error", in: "findings_by_severity")
        m.warnings = try r.int(severity, "warning", in: "findings_by_severity")
        for (name, value) in try r.object(root, "findings_by_rule") {
            guard let rule = RuleID(rawValue: name), let n = JSONReader.integer(value), n >= 0 else {
                throw ScrubError("findings_by_rule: '\(name)' is not a rule id with a count", file: file)
            }
            m.findingsByRule[rule.ordinal] = Int(n)
        }
        for (name, value) in try r.object(root, "rules") {
            guard let rule = RuleID(rawValue: name), let entry = value as? [String: Any] else {
                throw ScrubError("rules: '\(name)' is not a rule id", file: file)
            }
            let path = "rules.\(name)"
            m.rules[rule.ordinal] = RuleTally(
                errors: try r.int(entry, "errors", in: path), lines: try r.int(entry, "lines", in: path),
                chargesCents: try r.int64(entry, "charges_cents", in: path))
            // A rule counts a line once: its lines are lines in, its errors among its findings.
            if m.rules[rule.ordinal].lines > m.records {
                throw ScrubError(
                    "\(path).lines (\(m.rules[rule.ordinal].lines)) is more than lines_in (\(m.records))", file: file)
            }
            if m.rules[rule.ordinal].errors > m.findingsByRule[rule.ordinal] {
                throw ScrubError(
                    "\(path).errors (\(m.rules[rule.ordinal].errors)) is more than its findings in findings_by_rule "
                        + "(\(m.findingsByRule[rule.ordinal]))", file: file)
            }
            for item in try r.array(entry, "top_codes", in: path) {
                guard let item = item as? [String: Any], let code = item["code"] as? String,
                    let key = TopCode.key(text: code, rule: rule)
                else { throw ScrubError("\(path).top_codes: an entry is not a code with a count", file: file) }
                // Added: an earlier version's name and its (malformed) are one entry now.
                m.topCodes[key, default: 0] += try r.int(item, "findings", in: path + ".top_codes")
            }
        }
        for (name, value) in try r.object(root, "departments") {
            m.departments[name == Self.noneKey ? "" : name] = try r.tally(value, "departments.\(name)")
        }
        for (name, value) in try r.object(root, "payers") {
            m.payers[name == Self.noneKey ? "" : name] = try r.tally(value, "payers.\(name)")
        }
        for (name, value) in try r.object(root, "providers") {
            let npi: UInt64
            switch name {
            case Self.noneKey: npi = 0
            case "(malformed)": npi = PackedCode.invalid
            default:
                guard let n = UInt64(name) else { throw ScrubError("providers: '\(name)' is not an NPI", file: file) }
                npi = n
            }
            m.providers[npi] = try r.tally(value, "providers.\(name)")
        }
        for (name, value) in try r.object(root, "weeks").sorted(by: { $0.key < $1.key }) {
            var week = ISOWeek.none
            if name != Self.noneKey {
                // Any year: the week of a service on 1800-01-01 starts in 1799, and a summary the
                // scrub wrote must read back.
                var startDay = DayNumber.malformed
                if let entry = value as? [String: Any], var start = entry["week_start"] as? String {
                    startDay = start.withUTF8 { DayNumber.parse(UnsafeRawBufferPointer($0), years: 1, 9999) }
                }
                guard DayNumber.isDate(startDay) else {
                    throw ScrubError("weeks.\(name): week_start is missing or not a date", file: file)
                }
                week = ISOWeek.index(startDay)
            }
            // Two entries of one week: the report would draw one of them and lose the other's lines.
            guard m.weeks[week] == nil else {
                throw ScrubError("weeks.\(name): the same week as another entry", file: file)
            }
            m.weeks[week] = try r.tally(value, "weeks.\(name)")
        }
        let lag = try r.object(root, "charge_lag")
        chargeLagThresholdDays = try r.int(lag, "threshold_days", in: "charge_lag")
        // The report adds the histograms' lines up (per department, all departments together, and
        // 9 × lines for the p90's rank), so their sum, not only each entry, is held to the bound: a
        // thousand entries of 2^50 lines, each in range, overflowed. Departments in name order, so
        // the one named is the same on every run.
        var lagLines: Int64 = 0
        for (name, value) in try r.object(lag, "by_department", in: "charge_lag").sorted(by: { $0.key < $1.key }) {
            guard let entry = value as? [String: Any] else {
                throw ScrubError("charge_lag.by_department.\(name) is not an object", file: file)
            }
            var histogram: [Int32: Int] = [:]
            for item in try r.array(entry, "histogram", in: "charge_lag.by_department.\(name)") {
                guard let item = item as? [String: Any], let days = item["days"].flatMap(JSONReader.integer),
                    let lines = item["lines"].flatMap(JSONReader.integer), lines >= 0
                else { throw ScrubError("charge_lag.by_department.\(name).histogram: bad entry", file: file) }
                lagLines += lines
                guard lagLines <= JSONReader.bound else {
                    throw ScrubError(
                        "charge_lag.by_department.\(name).histogram: the lines of the charge lag histograms add up "
                            + "to more than 2^50", file: file)
                }
                // A lag is a difference of two day numbers: one past 32 bits was cut to 2^31 - 1
                // and shown as a median.
                guard let lag = Int32(exactly: days) else {
                    throw ScrubError(
                        "charge_lag.by_department.\(name).histogram: \(days) days is not a charge lag", file: file)
                }
                histogram[lag, default: 0] += Int(lines)
            }
            m.chargeLag[name == Self.noneKey ? "" : name] = histogram
        }
        if lagLines > Int64(m.records) {
            throw ScrubError(
                "charge_lag: its histograms hold \(lagLines) lines, more than lines_in (\(m.records))", file: file)
        }
        // Absent from summaries written before the key existed.
        if root["lines_not_checked"] != nil {
            let notChecked = try r.object(root, "lines_not_checked")
            for rule in notChecked.keys.sorted() {
                // The schema's one key: a rule that cannot go unchecked is a summary at odds with itself.
                guard rule == RuleID.M04.rawValue, let id = RuleID(rawValue: rule) else {
                    throw ScrubError(
                        "lines_not_checked: \(rule) is not a rule a run leaves unchecked (M04)", file: file)
                }
                let n = try r.int(notChecked, rule, in: "lines_not_checked")
                guard n <= m.records else {
                    throw ScrubError(
                        "lines_not_checked: \(n) lines for \(rule), more than lines_in (\(m.records))", file: file)
                }
                if n > 0 { m.notChecked[id] = n }
            }
        }
        metrics = m

        for item in try r.array(root, "tables") {
            guard let t = item as? [String: Any] else {
                throw ScrubError("tables: an entry is not an object", file: file)
            }
            tables.append(
                TableRelease(
                    kind: try r.string(t, "kind", in: "tables"), release: try r.string(t, "release", in: "tables"),
                    file: try r.string(t, "file", in: "tables"), effective: t["effective"] as? String,
                    through: t["through"] as? String, entries: try r.int(t, "entries", in: "tables")))
        }
        // Absent from summaries written before the key existed (a previous month's, for --compare).
        codeSetsNotLoaded = ((root["code_sets_not_loaded"] as? [Any]) ?? []).compactMap { $0 as? String }
        codeSetsKnown = root["code_sets_not_loaded"] is [Any]
        rulesOff = (root["rules_off"] as? [Any])?.compactMap { $0 as? String }
        for item in try r.array(root, "inputs") {
            guard let t = item as? [String: Any] else {
                throw ScrubError("inputs: an entry is not an object", file: file)
            }
            inputs.append(
                InputSummary(
                    file: try r.string(t, "file", in: "inputs"), format: try r.string(t, "format", in: "inputs"),
                    compressed: (t["compressed"] as? Bool) ?? false, lines: try r.int(t, "lines", in: "inputs")))
        }
        let runObject = try r.object(root, "run")
        run.version = (runObject["version"] as? String) ?? ""
        run.asOf = (runObject["as_of"] as? String) ?? ""
        run.workers = (runObject["workers"]).flatMap(JSONReader.integer).map { Int($0) } ?? 0
        run.failOn = (runObject["fail_on"] as? String) ?? ""
        run.outputLevel = (runObject["output_level"] as? String) ?? ""
        run.encoding = runObject["encoding"] as? String
        run.chunkSize = (runObject["chunk_size"]).flatMap(JSONReader.integer).map { Int($0) } ?? 0
        run.memoryLimit = (runObject["memory_limit"]).flatMap(JSONReader.integer).map { Int($0) } ?? 0
        run.host = (runObject["host"] as? String) ?? ""
        run.startedAt = (runObject["started_at"] as? String) ?? ""
        for (name, value) in (runObject["seconds"] as? [String: Any]) ?? [:] {
            if let n = value as? NSNumber { run.seconds[name] = n.doubleValue }
        }
        for (name, value) in (runObject["cpu_seconds"] as? [String: Any]) ?? [:] {
            if let n = value as? NSNumber { run.cpuSeconds[name] = n.doubleValue }
        }
    }
}

/// Typed look-ups in a decoded JSON object, each failure a `ScrubError` naming the key.
private struct JSONReader {
    let file: String

    /// The largest magnitude read: 2^50.
    static let bound: Int64 = 1 << 50
    /// The largest magnitude of a `_cents` key: 2^61 (about 23 quadrillion dollars). A scrub's
    /// totals reach past 2^50 with 112,590 lines at the $99,999,999.99 a line may hold (a shifted
    /// column), and the report must read every summary a scrub writes; it only shows these,
    /// compares two of them (a difference within 2^62) and draws them as `Double`.
    static let centsBound: Int64 = 1 << 61

    /// A whole number within ±2^50 (counts of lines, cents up to eleven trillion dollars): a
    /// summary edited by hand or damaged holds no number whose sums or differences would overflow
    /// in the report (the charge lag histograms, which the report adds up, are bounded as a whole
    /// where they are read). JSON `true` and `false` are not numbers: `value is Bool` cannot tell them
    /// from `1` and `0` (on Linux all arrive as an `NSNumber` that bridges to `Bool`), but their
    /// `objCType` is `c`, where a parsed number's is `i`, `q` or `d`.
    static func integer(_ value: Any) -> Int64? { integer(value, bound: bound) }

    /// `integer(_:)` within ±`bound`.
    static func integer(_ value: Any, bound: Int64) -> Int64? {
        if let number = value as? NSNumber, String(cString: number.objCType) == "c" { return nil }
        let n: Int64
        if let i = value as? Int64 {
            n = i
        } else if let i = value as? Int {
            n = Int64(i)
        } else {
            return nil
        }
        return n.magnitude <= bound ? n : nil
    }

    func missing(_ key: String, _ path: String?) -> ScrubError {
        ScrubError(
            "key '\(path.map { $0 + "." } ?? "")\(key)' is missing, or not a whole number in range, or has the wrong type",
            file: file)
    }

    func int64(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> Int64 {
        guard let value = object[key],
            let n = Self.integer(value, bound: key.hasSuffix("_cents") ? Self.centsBound : Self.bound)
        else { throw missing(key, path) }
        return n
    }

    /// A count: also not negative.
    func int(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> Int {
        let n = try int64(object, key, in: path)
        guard n >= 0 else { throw missing(key, path) }
        return Int(n)
    }

    func string(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> String {
        guard let s = object[key] as? String else { throw missing(key, path) }
        return s
    }

    func object(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> [String: Any] {
        guard let o = object[key] as? [String: Any] else { throw missing(key, path) }
        return o
    }

    func array(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> [Any] {
        guard let a = object[key] as? [Any] else { throw missing(key, path) }
        return a
    }

    mutating func tally(_ value: Any, _ path: String) throws -> GroupTally {
        guard let o = value as? [String: Any] else { throw ScrubError("\(path) is not an object", file: file) }
        var t = GroupTally()
        t.lines = try int(o, "lines", in: path)
        t.flagged = try int(o, "lines_with_findings", in: path)
        t.held = try int(o, "lines_held", in: path)
        t.findings = try int(o, "findings", in: path)
        t.errors = try int(o, "errors", in: path)
        t.chargesCents = try int64(o, "charges_cents", in: path)
        t.heldCents = try int64(o, "held_cents", in: path)
        t.atRiskCents = try int64(o, "at_risk_cents", in: path)
        // As for the totals: a group at odds with itself would draw an impossible rate.
        for (key, count) in [("lines_held", t.held), ("lines_with_findings", t.flagged)] where count > t.lines {
            throw ScrubError("\(path).\(key) (\(count)) is more than its lines (\(t.lines))", file: file)
        }
        if t.errors > t.findings {
            throw ScrubError("\(path).errors (\(t.errors)) is more than its findings (\(t.findings))", file: file)
        }
        return t
    }
}
