import ArgumentParser
import ClaimScrubber
import Foundation

struct Scrub: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Scrub one or more extracts or claim files; writes clean, held, findings.csv, summary.json and report.html.",
        discussion: """
            Exit status: 0 the gate passes, 1 a finding at or above --fail-on, 2 the run could not be done.
            """
    )

    @Argument(help: "Extract files (zstd or plain CSV/PSV/TSV), X12 837 or HL7 DFT^P03 files, or - for standard input.")
    var inputs: [String]

    @Option(help: "Output folder.")
    var out = "scrub-out"

    @Option(help: "Table folder, or 'default' for the shipped tables (repeatable).")
    var tables: [String] = []

    @Option(help: "Rule configuration (TOML or YAML).")
    var config: String?

    @Option(help: "Column map (TOML or YAML): extract header name = canonical name.")
    var columns: String?

    @Option(help: "Field delimiter: comma, pipe, tab, or one character (default: detected from the header).")
    var delimiter: String?

    @Option(help: "Character encoding of delimited extracts: utf-8 or windows-1252.")
    var encoding = "utf-8"

    @Option(help: "Worker threads (default: active cores).")
    var workers: Int?

    @Option(help: "Memory budget, e.g. 512MiB, 2GiB, 1G (default: 512MiB, less under ulimit -v).")
    var memoryLimit: String?

    @Option(help: "Folder for temporary files.")
    var tempDir: String?

    @Option(help: "The run's today, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Option(help: "Output zstd level 1-19, or 'none' (default: 1 when an input is compressed).")
    var level: String?

    @Option(help: "Lowest severity that fails the gate: error, warning or never.")
    var failOn = "error"

    @Flag(help: "No progress or end-of-run table on stderr.")
    var quiet = false

    @Option(help: .hidden)
    var chunkSize: Int?

    @Option(help: .hidden)
    var secondPass: String?

    /// Checks the flags before the run, so that a bad one is reported with this command's usage
    /// (thrown from `run`, it came with the top-level usage line).
    func validate() throws {
        try refuseRepeated(Self.singleValued, in: CommandLine.arguments)
        _ = try scrubOptions()
    }

    static let singleValued = [
        "--out", "--config", "--columns", "--delimiter", "--encoding", "--workers", "--memory-limit", "--temp-dir",
        "--as-of",
        "--level", "--fail-on",
    ]

    /// The run's options from the flags; a `ValidationError` naming a bad one.
    func scrubOptions() throws -> ScrubOptions {
        var options = ScrubOptions(
            inputs: inputs, asOf: try asOf.map { try parseDay($0, option: "--as-of") } ?? today())
        guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
        options.outputDirectory = out
        guard let failOn = ScrubOptions.FailOn(rawValue: failOn.lowercased()) else {
            throw ValidationError("--fail-on must be error, warning or never")
        }
        options.failOn = failOn
        options.workers = workers ?? ProcessCPU.availableCores()
        guard options.workers >= 1 && options.workers <= 256 else { throw ValidationError("--workers must be 1...256") }
        if let memoryLimit {
            guard let limit = ByteSize.parse(memoryLimit), limit >= 1 << 20 else {
                throw ValidationError(
                    "--memory-limit must be a whole size such as 512MiB, 2GiB or 1G (at least 1MiB; 1536MiB, not 1.5GiB)"
                )
            }
            options.memoryLimit = limit
        } else if let space = ResourceLimits.addressSpace() {
            // Under `ulimit -v` the default would run out of address space before its budget.
            options.memoryLimit = min(options.memoryLimit, ResourceLimits.memoryLimit(underAddressSpace: space))
        }
        // An empty path would quietly mean the current folder.
        if tempDir?.isEmpty == true { throw ValidationError("--temp-dir must name a folder") }
        options.temporaryDirectory = tempDir
        if let secondPass {
            // How pass 2 reads a compressed input again: a spool of pass 1's decompressed bytes, or
            // a second decompression (for measuring both; see Benchmarks/compare.sh).
            guard secondPass == "spool" || secondPass == "decompress" else {
                throw ValidationError("--second-pass must be spool or decompress")
            }
            options.spoolCompressedInput = secondPass == "spool"
        }
        if let chunkSize {
            guard chunkSize >= 64 else { throw ValidationError("--chunk-size must be at least 64") }
            options.chunkSize = chunkSize
        }
        if let level {
            if level.lowercased() == "none" {
                options.level = .some(nil)
            } else if let n = Int32(level), (1...19).contains(n) {
                options.level = .some(n)
            } else {
                throw ValidationError("--level must be 1...19 or none")
            }
        }
        if let delimiter {
            switch delimiter {
            case "comma", ",": options.delimiter = 0x2C
            case "pipe", "|": options.delimiter = 0x7C
            case "tab", "\t", "\\t": options.delimiter = 0x09
            default:
                guard delimiter.utf8.count == 1 else { throw ValidationError("--delimiter must be one character") }
                // A quote opens quoted fields and a line end ends records: neither can separate fields.
                guard !["\"", "\r", "\n"].contains(delimiter) else {
                    throw ValidationError("--delimiter cannot be a double quote, CR or LF")
                }
                options.delimiter = delimiter.utf8.first
            }
        }
        guard let textEncoding = TextEncoding(name: encoding) else {
            throw ValidationError("--encoding must be utf-8 or windows-1252 (also cp1252, latin1)")
        }
        options.encoding = textEncoding
        return options
    }

    /// Bytes in MiB, rounded up, as the warnings give sizes.
    static func mib(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }

    mutating func run() throws {
        var options = try scrubOptions()
        let descriptors = ResourceLimits.ensureDescriptors()
        guard descriptors >= ResourceLimits.fewestDescriptors else {
            throw fail(
                ScrubError(
                    "only \(descriptors) open files allowed (ulimit -n) and no more to be had: a run needs "
                        + "\(ResourceLimits.fewestDescriptors)"))
        }
        // What `ulimit -v` leaves for --memory-limit, nil without one.
        let space = ResourceLimits.addressSpace()
        let leastSpace = ResourceLimits.leastAddressSpace(workers: options.workers)
        if let space, space < leastSpace {
            // Below it the run would stop on an allocation that fails (SIGABRT), its spill files left.
            throw fail(
                ScrubError(
                    "the address space allowed (ulimit -v) is \(space >> 20) MiB, below the \(leastSpace >> 20) MiB "
                        + "a run of \(options.workers) worker\(options.workers == 1 ? "" : "s") maps at the least "
                        + "(libraries, thread stacks, code tables, buffers): raise ulimit -v"))
        }
        let fitsAddressSpace = space.map(ResourceLimits.memoryLimit(underAddressSpace:))
        if let space, let fits = fitsAddressSpace, memoryLimit != nil, options.memoryLimit > fits {
            // Kept, the run would stop with SIGABRT on the allocation that fails: lowered instead,
            // as the default is (summary.json's run.memory_limit records what the run kept to).
            StandardError.write(
                "warning: --memory-limit \(options.memoryLimit >> 20) MiB leaves too little of the \(space >> 20) MiB "
                    + "address space (ulimit -v): the process maps about \(ResourceLimits.mappedBeyondResident >> 20) "
                    + "MiB more than it keeps resident, and would stop when an allocation fails; the run keeps to "
                    + "\(Self.mib(fits)) MiB\n")
            options.memoryLimit = fits
        }
        // Before anything in the output folder is renamed or created: an interrupt from here on
        // removes what the run has made (the earlier outputs moved aside included) and says so.
        TemporaryFiles.shared.beginRun()
        // Whatever ends the run, the earlier run's outputs are gone by then, not only renamed.
        defer { StaleOutputs.shared.waitUntilRemoved() }
        do {
            try options.checkInputsAndOutputFolder()
            // Held to the end of the run: a second run into the folder stops before it removes or
            // renames anything there.
            let lock = try OutputFolderLock(directory: options.outputDirectory)
            defer { withExtendedLifetime(lock) {} }
            try options.removeStaleOutputs()
            if let config {
                options.settings = try RuleSettings.load(path: config)
                if options.settings.setsNothing {
                    StandardError.write(
                        "warning: --config \(config) sets nothing (no value in it): the defaults apply\n")
                }
            }
            if let columns {
                options.columnMap = try ExtractLayout.loadColumnMap(path: columns)
                if options.columnMap.isEmpty {
                    StandardError.write(
                        "warning: --columns \(columns) maps nothing (no value in it): header names are read as they are\n"
                    )
                }
                options.columnMapFile = columns
            }
            options.tableDirectories = try TableLocator.resolve(tables)
            let loaded = try TableLoader.load(directories: options.tableDirectories)
            // The limit is the whole process's: the run's buffers get what the runtime, the
            // libraries and the tables leave of it.
            options.baseBytes = MemoryTuning.residentBytes()
            let mib = Self.mib
            if loaded.residentBytes > options.memoryLimit / 4 {
                // A quarter's NCCI files at a small limit: say so rather than go over it silently.
                StandardError.write(
                    "warning: the NCCI PTP tables take \(mib(loaded.residentBytes)) MiB of the "
                        + "\(mib(options.memoryLimit)) MiB --memory-limit; the run keeps to what is left, "
                        + "at least a quarter of the limit, and may go over it: raise --memory-limit\n")
            }
            if !quiet {
                // `--tables DIR` without `default` leaves the public code sets out: the codes get a
                // form check only, and the gate could pass what the shipped tables would hold.
                for note in TableListing.missingCodeSetNotes(loaded) {
                    StandardError.write("note: \(note) (add --tables default)\n")
                }
                if let note = TableListing.encounterTableNote(loaded) { StandardError.write("note: \(note)\n") }
                for note in TableListing.unusedReleaseNotes(loaded.releases)
                    + TableListing.coverageEndNotes(loaded.releases, asOf: options.asOf)
                {
                    StandardError.write("note: \(note)\n")
                }
            }
            // Lowered to what `ulimit -v` leaves: raising --memory-limit would not help.
            let boundByAddressSpace = fitsAddressSpace.map { options.memoryLimit >= $0 } ?? false
            if options.memoryLimit < options.smallestKeptLimit {
                StandardError.write(
                    "warning: --memory-limit \(mib(options.memoryLimit)) MiB is below what the run needs: "
                        + "\(mib(options.baseBytes)) MiB held at its start (runtime and tables) and about "
                        + "\(mib(options.smallestKeptLimit - options.baseBytes)) MiB of buffers (output blocks, "
                        + "zstd, chunks of \(options.workers) workers); "
                        + "the run will go over it (at least \(mib(options.smallestKeptLimit)) MiB keeps to it"
                        + (boundByAddressSpace ? "; the address space, ulimit -v, leaves no more: raise that" : "")
                        + ")\n")
            }
            let pipeline = ScrubPipeline(options: options, tables: loaded)
            // Said even with --quiet: files were removed, which someone may look for.
            pipeline.notice = { StandardError.write("note: \($0)\n") }
            pipeline.warning = { StandardError.write("warning: \($0)\n") }
            let bar = ProgressBar.standardError(quiet: quiet)
            if let bar {
                pipeline.progress = { bar.update(bytes: $0, total: $1, lines: $2) }
                pipeline.phaseStarted = { bar.begin(phase: $0) }
            }
            let result: ScrubPipeline.Result
            do {
                result = try pipeline.run()
                bar?.finish()
            } catch {
                bar?.finish()
                // Spill, spool and output temporaries go now: the objects that own them may be
                // released on a worker thread only after this process has exited (invariant 4).
                TemporaryFiles.shared.removeAll()
                throw error
            }
            // Payer ids are the insurers', not patient data.
            let unmatched = options.settings.configuredPayers(notIn: result.summary.metrics.payers.keys)
            if !unmatched.isEmpty {
                let names = unmatched.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                StandardError.write(
                    "warning: --config has settings for payer \(names)\(unmatched.count > 5 ? " and more" : ""), "
                        + "which no line has (payer ids match exactly, case and spaces included)\n")
            }
            if !quiet { StandardError.write(EndOfRunTable.render(result.summary)) }
            if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
        } catch let error as ScrubError {
            throw fail(error)
        }
    }
}
