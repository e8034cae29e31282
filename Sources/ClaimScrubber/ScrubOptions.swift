/// Everything one `scrub` run needs to know, already validated by the command line.
public struct ScrubOptions: Sendable {
    public enum FailOn: String, Sendable, CaseIterable {
        case error, warning, never

        /// 1 when a finding at or above this severity exists (the gate fails), else 0.
        public func exitStatus(_ metrics: ScrubMetrics) -> Int32 {
            switch self {
            case .error: return metrics.errors > 0 ? 1 : 0
            case .warning: return metrics.errors + metrics.warnings > 0 ? 1 : 0
            case .never: return 0
            }
        }
    }

    /// Input paths in command-line order; `-` is standard input.
    public var inputs: [String]
    public var outputDirectory = "scrub-out"
    /// Table folders (already resolved: `default` replaced by its path).
    public var tableDirectories: [String] = []
    public var settings = RuleSettings()
    public var columnMap: [String: Column] = [:]
    /// Forced delimiter; nil detects it from the header.
    public var delimiter: UInt8?
    public var workers = 2
    public var memoryLimit = 512 << 20
    public var temporaryDirectory: String?
    public var asOf: Int32
    /// Output zstd level: nil = decide (level 1 when any input was compressed), `.some(nil)` = plain.
    public var level: Int32??
    public var failOn = FailOn.error
    /// Bytes per chunk (a test knob: tiny chunks exercise boundaries).
    public var chunkSize = 4 << 20
    /// Pass 2 reads a compressed input from a spool of its decompressed bytes written by pass 1
    /// (true), or decompresses it again (false, the default: decompressing level-3 input costs
    /// less CPU than writing and reading back the spool, 1.2 vs 2.2 CPU-seconds per 2M lines).
    public var spoolCompressedInput = false

    public init(inputs: [String], asOf: Int32) {
        self.inputs = inputs
        self.asOf = asOf
    }
}
