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

    /// The summary as JSON with sorted keys (stable bytes outside `run`).
    public func json() -> [UInt8] {
        let m = metrics
        var byRule: [String: Int] = [:]
        for rule in RuleID.allCases where m.findingsByRule[rule.ordinal] > 0 {
            byRule[rule.rawValue] = m.findingsByRule[rule.ordinal]
        }
        var object: [String: Any] = [
            "lines_in": m.records,
            "lines_clean": linesClean,
            "lines_held": linesHeld,
            "lines_with_findings": m.flagged,
            "error_rate": Self.rate(m.held, m.records),
            "finding_rate": Self.rate(m.flagged, m.records),
            "charges_cents": m.chargesCents,
            "held_cents": m.heldCents,
            "at_risk_cents": m.atRiskCents,
            "findings_by_rule": byRule,
            "findings_by_severity": ["error": m.errors, "warning": m.warnings],
            "rules": rulesJSON(),
            "departments": Dictionary(uniqueKeysWithValues: m.departments.map { (Self.groupKey($0.key), Self.json($0.value)) }),
            "providers": Dictionary(uniqueKeysWithValues: m.providers.map { (Self.providerKey($0.key), Self.json($0.value)) }),
            "payers": Dictionary(uniqueKeysWithValues: m.payers.map { (Self.groupKey($0.key), Self.json($0.value)) }),
            "weeks": Dictionary(
                uniqueKeysWithValues: m.weeks.map { week, tally -> (String, Any) in
                    var entry = Self.json(tally)
                    if week != ISOWeek.none { entry["week_start"] = DayNumber.format(ISOWeek.monday(week)) }
                    return (ISOWeek.label(week), entry)
                }),
            "duplicates": [
                "exact": m.findingsByRule[RuleID.E01.ordinal],
                "probable": m.findingsByRule[RuleID.E02.ordinal],
                "charges_cents": m.rules[RuleID.E01.ordinal].chargesCents + m.rules[RuleID.E02.ordinal].chargesCents,
            ] as [String: Any],
            "charge_lag": chargeLagJSON(),
        ]
        object["tables"] = tables.map { release -> [String: Any] in
            var t: [String: Any] = [
                "kind": release.kind, "release": release.release, "file": release.file, "entries": release.entries,
            ]
            if let e = release.effective { t["effective"] = e }
            if let e = release.through { t["through"] = e }
            return t
        }
        // Without a CPT list, CPT-shaped codes got a format check only (C01 on form, never C02).
        object["cpt_table_loaded"] = tables.contains { $0.kind == "cpt" }
        object["inputs"] = inputs.map {
            ["file": $0.file, "format": $0.format, "compressed": $0.compressed, "lines": $0.lines] as [String: Any]
        }
        object["run"] =
            [
                "version": run.version, "as_of": run.asOf, "workers": run.workers, "fail_on": run.failOn,
                "output_level": run.outputLevel, "chunk_size": run.chunkSize, "memory_limit": run.memoryLimit,
                "host": run.host, "started_at": run.startedAt, "seconds": run.seconds,
            ] as [String: Any]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data) + [0x0A]
    }

    // MARK: - Pieces

    /// A share rounded to 6 decimals (0 when there is nothing to divide by).
    static func rate(_ part: Int, _ whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        return (Double(part) / Double(whole) * 1_000_000).rounded() / 1_000_000
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

    static func json(_ t: GroupTally) -> [String: Any] {
        [
            "lines": t.lines, "lines_with_findings": t.flagged, "lines_held": t.held, "findings": t.findings,
            "errors": t.errors, "warnings": t.warnings, "charges_cents": t.chargesCents, "held_cents": t.heldCents,
            "at_risk_cents": t.atRiskCents, "error_rate": rate(t.held, t.lines),
            "finding_rate": rate(t.flagged, t.lines),
        ]
    }

    /// The top codes of every rule, most findings first, then by code.
    public func topCodes() -> [RuleID: [(code: String, findings: Int)]] {
        var byRule: [RuleID: [(key: UInt64, findings: Int)]] = [:]
        for (key, n) in metrics.topCodes {
            guard let rule = TopCode.rule(of: key) else { continue }
            byRule[rule, default: []].append((key, n))
        }
        return byRule.mapValues { entries in
            entries.sorted { ($0.findings, $1.key) > ($1.findings, $0.key) }.prefix(Self.topCodesPerRule)
                .map { (TopCode.text(of: $0.key), $0.findings) }
        }
    }

    func rulesJSON() -> [String: Any] {
        let top = topCodes()
        var result: [String: Any] = [:]
        for rule in RuleID.allCases where metrics.findingsByRule[rule.ordinal] > 0 {
            let t = metrics.rules[rule.ordinal]
            let findings = metrics.findingsByRule[rule.ordinal]
            result[rule.rawValue] = [
                "title": rule.title, "findings": findings, "errors": t.errors, "warnings": findings - t.errors,
                "lines": t.lines, "line_rate": Self.rate(t.lines, metrics.records), "charges_cents": t.chargesCents,
                "top_codes": (top[rule] ?? []).map { ["code": $0.code, "findings": $0.findings] as [String: Any] },
            ] as [String: Any]
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
        s.overThreshold = sorted.reduce(0) { $0 + ($1.key > Int32(threshold) ? $1.value : 0) }
        return s
    }

    func lagJSON(_ histogram: [Int32: Int]) -> [String: Any] {
        let s = Self.lagStatistics(histogram, threshold: chargeLagThresholdDays)
        var entry: [String: Any] = [
            "lines": s.lines, "over_threshold": s.overThreshold, "over_threshold_rate": Self.rate(s.overThreshold, s.lines),
            "histogram": histogram.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map {
                ["days": Int($0.key), "lines": $0.value] as [String: Any]
            },
        ]
        if s.lines > 0 {
            entry["median_days"] = Int(s.median)
            entry["p90_days"] = Int(s.p90)
        }
        return entry
    }

    func chargeLagJSON() -> [String: Any] {
        var entry = lagJSON(metrics.chargeLagAll)
        entry["threshold_days"] = chargeLagThresholdDays
        entry["by_department"] = Dictionary(
            uniqueKeysWithValues: metrics.chargeLag.map { (Self.groupKey($0.key), lagJSON($0.value)) })
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
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw ScrubError("not a JSON object", file: file)
            }
            root = object
        } catch let error as ScrubError {
            throw error
        } catch {
            throw ScrubError("not valid JSON (\(error.localizedDescription))", file: file)
        }
        var r = JSONReader(file: file)
        var m = ScrubMetrics()
        m.records = try r.int(root, "lines_in")
        m.held = try r.int(root, "lines_held")
        m.flagged = try r.int(root, "lines_with_findings")
        m.chargesCents = try r.int64(root, "charges_cents")
        m.heldCents = try r.int64(root, "held_cents")
        m.atRiskCents = try r.int64(root, "at_risk_cents")
        let severity = try r.object(root, "findings_by_severity")
        m.errors = try r.int(severity, "error", in: "findings_by_severity")
        m.warnings = try r.int(severity, "warning", in: "findings_by_severity")
        for (name, value) in try r.object(root, "findings_by_rule") {
            guard let rule = RuleID(rawValue: name), let n = JSONReader.integer(value) else {
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
            for item in try r.array(entry, "top_codes", in: path) {
                guard let item = item as? [String: Any], let code = item["code"] as? String,
                    let key = TopCode.key(text: code, rule: rule)
                else { throw ScrubError("\(path).top_codes: an entry is not a code with a count", file: file) }
                m.topCodes[key] = try r.int(item, "findings", in: path + ".top_codes")
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
        for (name, value) in try r.object(root, "weeks") {
            var week = ISOWeek.none
            if name != Self.noneKey {
                guard let entry = value as? [String: Any], let start = entry["week_start"] as? String,
                    DayNumber.isDate(DayNumber.parse(start))
                else { throw ScrubError("weeks.\(name): week_start is missing or not a date", file: file) }
                week = ISOWeek.index(DayNumber.parse(start))
            }
            m.weeks[week] = try r.tally(value, "weeks.\(name)")
        }
        let lag = try r.object(root, "charge_lag")
        chargeLagThresholdDays = try r.int(lag, "threshold_days", in: "charge_lag")
        for (name, value) in try r.object(lag, "by_department", in: "charge_lag") {
            guard let entry = value as? [String: Any] else {
                throw ScrubError("charge_lag.by_department.\(name) is not an object", file: file)
            }
            var histogram: [Int32: Int] = [:]
            for item in try r.array(entry, "histogram", in: "charge_lag.by_department.\(name)") {
                guard let item = item as? [String: Any], let days = item["days"].flatMap(JSONReader.integer),
                    let lines = item["lines"].flatMap(JSONReader.integer)
                else { throw ScrubError("charge_lag.by_department.\(name).histogram: bad entry", file: file) }
                histogram[Int32(clamping: days), default: 0] += Int(lines)
            }
            m.chargeLag[name == Self.noneKey ? "" : name] = histogram
        }
        metrics = m

        for item in try r.array(root, "tables") {
            guard let t = item as? [String: Any] else { throw ScrubError("tables: an entry is not an object", file: file) }
            tables.append(
                TableRelease(
                    kind: try r.string(t, "kind", in: "tables"), release: try r.string(t, "release", in: "tables"),
                    file: try r.string(t, "file", in: "tables"), effective: t["effective"] as? String,
                    through: t["through"] as? String, entries: try r.int(t, "entries", in: "tables")))
        }
        for item in try r.array(root, "inputs") {
            guard let t = item as? [String: Any] else { throw ScrubError("inputs: an entry is not an object", file: file) }
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
        run.chunkSize = (runObject["chunk_size"]).flatMap(JSONReader.integer).map { Int($0) } ?? 0
        run.memoryLimit = (runObject["memory_limit"]).flatMap(JSONReader.integer).map { Int($0) } ?? 0
        run.host = (runObject["host"] as? String) ?? ""
        run.startedAt = (runObject["started_at"] as? String) ?? ""
        for (name, value) in (runObject["seconds"] as? [String: Any]) ?? [:] {
            if let n = value as? NSNumber { run.seconds[name] = n.doubleValue }
        }
    }
}

/// Typed look-ups in a decoded JSON object, each failure a `ScrubError` naming the key.
private struct JSONReader {
    let file: String

    /// A whole number. (`value is Bool` cannot tell JSON `true` from `1`: on Linux both arrive as
    /// an `NSNumber` that bridges to `Bool`; the schema is where a boolean is turned away.)
    static func integer(_ value: Any) -> Int64? {
        if let i = value as? Int64 { return i }
        if let i = value as? Int { return Int64(i) }
        return nil
    }

    func missing(_ key: String, _ path: String?) -> ScrubError {
        ScrubError("key '\(path.map { $0 + "." } ?? "")\(key)' is missing or has the wrong type", file: file)
    }

    func int64(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> Int64 {
        guard let value = object[key], let n = Self.integer(value) else { throw missing(key, path) }
        return n
    }

    func int(_ object: [String: Any], _ key: String, in path: String? = nil) throws -> Int {
        Int(try int64(object, key, in: path))
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
        return t
    }
}
