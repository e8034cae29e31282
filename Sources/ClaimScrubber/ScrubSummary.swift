import Foundation

/// Counts gathered per chunk and merged in order; never a second pass over the data.
public struct ScrubMetrics: Sendable, Equatable {
    public var records = 0
    public var held = 0
    public var findingsByRule = [Int](repeating: 0, count: RuleID.allCases.count)
    public var errors = 0
    public var warnings = 0

    public init() {}

    public mutating func merge(_ other: ScrubMetrics) {
        records += other.records
        held += other.held
        for i in findingsByRule.indices { findingsByRule[i] += other.findingsByRule[i] }
        errors += other.errors
        warnings += other.warnings
    }

    mutating func count(_ finding: Finding) {
        findingsByRule[finding.rule.ordinal] += 1
        if finding.severity == .error { errors += 1 } else { warnings += 1 }
    }
}

/// `summary.json`: counts, tables and run parameters; no patient data.
public struct ScrubSummary: Sendable {
    public var metrics = ScrubMetrics()
    public var tables: [TableRelease] = []
    public var inputs: [InputSummary] = []
    public var run = RunInfo()

    public struct InputSummary: Sendable, Codable, Equatable {
        public var file: String
        public var format: String
        public var compressed: Bool
        public var lines: Int
    }

    public struct RunInfo: Sendable {
        public var version = ClaimScrubberVersion.current
        public var asOf = ""
        public var workers = 0
        public var failOn = ""
        public var outputLevel: String = "none"
        public var chunkSize = 0
        public var memoryLimit = 0
        public var host = ""
        public var startedAt = ""
        public var seconds: [String: Double] = [:]
    }

    public var linesIn: Int { metrics.records }
    public var linesHeld: Int { metrics.held }
    public var linesClean: Int { metrics.records - metrics.held }

    public func findings(_ rule: RuleID) -> Int { metrics.findingsByRule[rule.ordinal] }

    /// The summary as JSON with sorted keys (stable bytes outside `run`).
    public func json() -> [UInt8] {
        var byRule: [String: Int] = [:]
        for rule in RuleID.allCases where metrics.findingsByRule[rule.ordinal] > 0 {
            byRule[rule.rawValue] = metrics.findingsByRule[rule.ordinal]
        }
        let object: [String: Any] = [
            "lines_in": metrics.records,
            "lines_clean": linesClean,
            "lines_held": linesHeld,
            "findings_by_rule": byRule,
            "findings_by_severity": ["error": metrics.errors, "warning": metrics.warnings],
            "tables": tables.map { release -> [String: Any] in
                var t: [String: Any] = [
                    "kind": release.kind, "release": release.release, "file": release.file, "entries": release.entries,
                ]
                if let e = release.effective { t["effective"] = e }
                if let e = release.through { t["through"] = e }
                return t
            },
            "inputs": inputs.map { ["file": $0.file, "format": $0.format, "compressed": $0.compressed, "lines": $0.lines] },
            "run": [
                "version": run.version, "as_of": run.asOf, "workers": run.workers, "fail_on": run.failOn,
                "output_level": run.outputLevel, "chunk_size": run.chunkSize, "memory_limit": run.memoryLimit,
                "host": run.host, "started_at": run.startedAt, "seconds": run.seconds,
            ] as [String: Any],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data) + [0x0A]
    }
}

public enum ClaimScrubberVersion {
    public static let current = "0.1.0"
}
