#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// What the findings' `file` column and the summary's `inputs[].file` call each input, index
    /// for index with `inputs`: its file name (ARCHITECTURE.md), `<stdin>` for `-`. Inputs that
    /// share a file name (`jan/extract.csv feb/extract.csv`) are named by their paths as typed, so
    /// their findings stay apart. Messages on stderr name the path as typed.
    public var reportedInputNames: [String] { Self.reportedNames(of: inputs) }

    static func reportedNames(of inputs: [String]) -> [String] {
        let names = inputs.map { $0 == "-" ? "<stdin>" : TableText.fileName($0) }
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return zip(inputs, names).map { input, name in
            counts[name, default: 0] > 1 && input != "-" ? input : name
        }
    }
    public var outputDirectory = "scrub-out"
    /// Table folders (already resolved: `default` replaced by its path).
    public var tableDirectories: [String] = []
    public var settings = RuleSettings()
    public var columnMap: [String: Column] = [:]
    /// The file `columnMap` was read from, for messages that name the map.
    public var columnMapFile: String?
    /// Forced delimiter; nil detects it from the header.
    public var delimiter: UInt8?
    public var workers = 2
    public var memoryLimit = 512 << 20
    /// Bytes the code tables keep for the whole run (set by the pipeline from its tables): the
    /// run's own buffers get what the limit leaves (`workingMemory`), so a quarter's NCCI files
    /// (millions of rows, tens of MB in memory) do not push a run over `memoryLimit`.
    public var tableBytes = 0
    /// Bytes the process holds when the run starts (runtime, libraries and the loaded tables),
    /// measured by the command after loading; 0 when not measured (the library's callers).
    public var baseBytes = 0
    /// What `memoryLimit` leaves for the run's chunks, shards and buffers once the tables are in:
    /// the limit less what the process already holds (`baseBytes`, or at least `tableBytes`), and
    /// at least a quarter of the limit.
    public var workingMemory: Int { max(memoryLimit - max(tableBytes, baseBytes), memoryLimit / 4) }
    /// What a run holds beyond `baseBytes` however small the limit: the output files' write blocks
    /// (4 MiB each for clean, held, findings and the findings spool), libzstd's compression and
    /// decompression buffers (about 20 MiB at level 1 with its two workers), the chunks in flight
    /// and the heap around them. Measured on a 2M-line extract with the shipped and demo tables
    /// (28 MiB at the start): peaks of 83–88 MiB at every limit from 48 to 100 MiB, with one worker
    /// or two, compressed outputs or none.
    public static let runOverheadBytes = 60 << 20
    /// What each worker past two adds however small the limit: its chunks in flight (two a worker)
    /// and their parsed columns. Measured at a 92 MiB limit on a 1M-line extract: 101 MiB with 32
    /// workers, 126 MiB with 64.
    public static let workerOverheadBytes = 1 << 20
    /// The smallest `memoryLimit` a run keeps to (`baseBytes` measured); below it the run goes over.
    public var smallestKeptLimit: Int {
        baseBytes + Self.runOverheadBytes + max(0, workers - 2) * Self.workerOverheadBytes
    }
    public var temporaryDirectory: String?
    /// The character encoding of delimited extracts (`--encoding`).
    public var encoding: TextEncoding = .utf8
    public var asOf: Int32
    /// Output zstd level: nil = decide (level 1 when any input was compressed), `.some(nil)` = plain.
    public var level: Int32??
    public var failOn = FailOn.error
    /// Bytes per chunk: by default a 512th of `memoryLimit` (1 MiB at the default limit), from
    /// 512 KiB to 4 MiB, and smaller still with many workers so that the chunks in flight
    /// (`workers * 2 + 1`, each with its parsed columns, about three times its size) take at most
    /// an eighth of `workingMemory`, down to 256 KiB. Measured on 10M lines with two workers: 4 MiB
    /// chunks peaked at 275–300 MiB, 1 MiB chunks at 225–230 MiB for the same CPU time (256 KiB
    /// cost a tenth more); at `--memory-limit 128MiB`, 4 MiB chunks peaked at 177 MiB, 512 KiB at
    /// 106–108 MiB. Set, it is a test knob: tiny chunks exercise boundaries. Outputs are the same
    /// for any chunk size.
    public var chunkSize: Int {
        get {
            if let chosenChunkSize { return chosenChunkSize }
            let byLimit = min(4 << 20, max(512 << 10, memoryLimit / 512))
            return max(256 << 10, min(byLimit, workingMemory / 8 / (max(1, workers) * 2 + 1)))
        }
        set { chosenChunkSize = newValue }
    }
    private var chosenChunkSize: Int?
    /// Pass 2 reads a compressed input from a spool of its decompressed bytes written by pass 1
    /// (true), or decompresses it again (false, the default: see `SpoolFile` for the measurements).
    public var spoolCompressedInput = false

    /// The longest record the run reads: a quarter of `workingMemory`, at most 256 MiB. A record is
    /// held whole by the chunk reader and parsed in place, and up to `workers * 2 + 1` chunks are in
    /// flight, so a record near the limit costs a few times its size; a fixed 256 MiB let one
    /// 100 MiB line take a 128 MiB run to about 230 MB.
    public var maxRecordBytes: Int { min(256 << 20, max(workingMemory / 4, 64 << 10)) }

    public init(inputs: [String], asOf: Int32) {
        self.inputs = inputs
        self.asOf = asOf
    }
}

extension ScrubOptions {
    /// Every name a run writes, or removes as a stale output of an earlier run, in its output folder.
    public static let outputNames: [String] =
        ["csv", "psv", "tsv", "x12", "hl7"].flatMap {
            ["clean.\($0)", "clean.\($0).zst", "held.\($0)", "held.\($0).zst"]
        }
        + ["findings.csv", "summary.json", "report.html"]

    /// Removes the output folder's outputs of an earlier run: a run that then fails, whatever
    /// stops it (an empty input, a missing column, a broken table file), leaves no file under a
    /// final name that could be taken for its own. Call after `checkInputsAndOutputFolder`. The
    /// names are free when this returns; the files themselves go on a background thread
    /// (`StaleOutputs`), which the run waits for before it ends.
    public func removeStaleOutputs() throws {
        try StaleOutputs.shared.remove(Self.outputNames.map(outputPath))
    }

    /// The path of output `name` in the output folder.
    private func outputPath(_ name: String) -> String {
        outputDirectory.hasSuffix("/") ? outputDirectory + name : outputDirectory + "/" + name
    }

    /// Stops the run, before anything is read or removed, when:
    /// - an input is given twice (`-` twice, or one file by two paths, or as a path and as standard
    ///   input redirected from it): its lines would be read twice, each an exact duplicate of itself;
    /// - an input is one of the output folder's output files (the same file, by device and inode,
    ///   whatever the path): the run removes those before it reads its inputs and renames its
    ///   outputs over them, so such an input (`scrub scrub-out/held.csv` with the default `--out`)
    ///   would be destroyed;
    /// - a folder has an output's name in the output folder: the run could not rename that output
    ///   into place, and would find out only when it is done; a pipe or device under that name would
    ///   be removed as an earlier output.
    public func checkInputsAndOutputFolder() throws {
        var seen: [(id: FileIdentity, name: String)] = []
        var standardInput = false
        for input in inputs {
            let id: FileIdentity?
            let name: String
            if input == "-" {
                if standardInput { throw ScrubError("standard input (-) is given twice: it can be read once") }
                standardInput = true
                // Redirected from a file (`scrub e.csv - < e.csv`): that file, by another name.
                id = FileIdentity(regularFileAt: 0)
                name = "standard input (-)"
            } else {
                id = FileIdentity(path: input)
                name = input
            }
            guard let id else { continue }
            if let first = seen.first(where: { $0.id == id }) {
                let same = first.name == name ? "" : " (as \(first.name))"
                throw ScrubError(
                    "is given twice\(same): every line would be read twice, each a duplicate of itself", file: name)
            }
            seen.append((id, name))
        }
        var outputs: [(id: FileIdentity, name: String)] = []
        for name in Self.outputNames {
            var info = stat()
            let path = outputPath(name)
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: throw ScrubError("is a folder: the run writes its \(name) under that name", file: path)
            case S_IFREG, S_IFLNK: break
            default:
                // A pipe or a device: removed as an earlier output, it would be gone for good.
                throw ScrubError(
                    "is not a regular file (a device or a pipe?): the run writes its \(name) under that name",
                    file: path)
            }
            if let id = FileIdentity(path: path) { outputs.append((id, name)) }
        }
        for input in seen {
            if let output = outputs.first(where: { $0.id == input.id }) {
                throw ScrubError(
                    "is the output folder's \(output.name), which this run replaces: copy it elsewhere or choose another --out",
                    file: input.name)
            }
        }
    }
}
