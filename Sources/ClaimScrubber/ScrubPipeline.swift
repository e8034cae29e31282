import Foundation
import Zstd

/// The whole scrub: open inputs, pass 1 (parse and line rules in parallel), pass 2 (route every
/// line to clean or held by its verdict), then the summary; outputs appear atomically at the end.
public final class ScrubPipeline {
    public struct Result: Sendable {
        public var summary: ScrubSummary
        /// 0 gate passes, 1 gate fails.
        public var exitStatus: Int32
        public var outputFiles: [String]
    }

    let options: ScrubOptions
    let tables: CodeTables
    /// Called from the reading thread with (raw bytes read so far, total raw bytes, lines so far);
    /// pass 2 reports the same way, its raw bytes estimated from the decompressed bytes it routed.
    public var progress: (@Sendable (UInt64, UInt64, Int) -> Void)?
    /// Called when a phase starts: "reading" (pass 1), "encounter edits", "writing" (pass 2).
    public var phaseStarted: (@Sendable (String) -> Void)?
    /// Called with what the run did beside its outputs that the user should hear of (no patient
    /// data): temporary files of an earlier, killed run removed.
    public var notice: (@Sendable (String) -> Void)?
    /// Told of settings the run could not apply (a `--columns` key no header field matches), as
    /// `warning: …` lines on stderr; never patient data.
    public var warning: (@Sendable (String) -> Void)?

    public init(options: ScrubOptions, tables: CodeTables) {
        var options = options
        options.tableBytes = tables.residentBytes
        self.options = options
        self.tables = tables
    }

    /// An input opened and its header read.
    struct OpenInput {
        var source: InputSource
        var reader: ChunkReader
        var layout: ExtractLayout
        var path: String
        /// The file as it was when first opened, checked again before the outputs are committed.
        var stamp: FileStamp? = nil
    }

    public func run() throws -> Result {
        // Before anything is removed from the output folder: an input that is one of its outputs
        // would be destroyed by the run (the command checks too, before loading the tables).
        try options.checkInputsAndOutputFolder()
        defer { StaleOutputs.shared.waitUntilRemoved() }
        try options.removeStaleOutputs()
        let abandoned = TemporaryFiles.removeAbandoned(
            temporaryFolder: options.temporaryDirectory, outputFolder: options.outputDirectory)
        if abandoned.files > 0 {
            let files = abandoned.files == 1 ? "1 temporary file" : "\(abandoned.files) temporary files"
            let processes =
                (abandoned.processes.count == 1 ? "process " : "processes ")
                + abandoned.processes.map(String.init).joined(separator: ", ")
            notice?("removed \(files) left by an earlier run that did not finish (\(processes))")
        }
        let started = PhaseMark()

        TemporaryFiles.shared.beginRun()
        var spooled: [String] = []
        defer {
            for path in spooled {
                unlink(path)
                TemporaryFiles.shared.unregister(path)
            }
        }
        // Standard input is spooled once, before its format is told from its first bytes.
        let standardInput = options.inputs.contains("-") ? try spoolStandardInput() : nil
        if let standardInput { spooled.append(standardInput) }
        // A stream that breaks within the bytes read to tell the format (a small file's truncated
        // zstd) says so: read as no format it was an extract "missing a required column".
        if let first = options.inputs.first,
            let format = try ClaimFileFormat.detectReading(
                path: first == "-" ? standardInput! : first, name: first == "-" ? "<stdin>" : first)
        {
            if !options.columnMap.isEmpty || options.delimiter != nil || options.encoding != .utf8 {
                warning?(
                    "--columns, --delimiter and --encoding apply to CSV, PSV and TSV extracts: ignored for this "
                        + "\(format.rawValue) input")
            }
            // X12 837 and HL7 DFT files: the claim is the unit of the gate (ClaimFilePipeline).
            let claims = ClaimFilePipeline(
                options: options, tables: tables, format: format, standardInput: standardInput, progress: progress)
            claims.phaseStarted = phaseStarted
            return try claims.run()
        }
        // Claim files start their own summary (`ClaimFilePipeline.run`).
        var summary = ScrubSummary(options: options, tables: tables, started: started.wall)
        let inputs = try openInputs(standardInput: standardInput)
        let layout = inputs[0].layout
        let anyCompressed = inputs.contains { $0.source.isCompressed }
        let level: Int32? = options.level ?? (anyCompressed ? 1 : nil)
        summary.run.outputLevel = level.map { String($0) } ?? "none"
        summary.run.encoding = options.encoding.rawValue

        let directory = options.outputDirectory
        try prepareOutputDirectory(directory)
        let ext = layout.formatExtension + (level != nil ? ".zst" : "")
        let names = ["clean.\(ext)", "held.\(ext)", "findings.csv", "summary.json", "report.html"]

        var outputs: [OutputFile] = []
        do {
            // Pass 1.
            let t1 = PhaseMark()
            phaseStarted?("reading")
            let pass1 = try passOne(inputs: inputs, layout: layout)
            defer {
                pass1.store.removeFiles()
                pass1.findingsSpool.remove()
                for spool in pass1.spools { spool?.remove() }
            }
            summary.metrics = pass1.metrics
            summary.run.record("pass1", since: t1)
            if pass1.notUTF8 > 0 {
                warning?(
                    "\(pass1.notUTF8) line\(pass1.notUTF8 == 1 ? " was" : "s were") held (S01) for bytes that are not "
                        + "UTF-8: an extract exported in the Windows code page is read with --encoding windows-1252")
            }
            if pass1.dayFirst > 0 {
                // Those held are the dates with a day over 12; an extract written day first has
                // its other dates read as valid, a month off (10/04 as October 4).
                warning?(
                    "\(pass1.dayFirst) date\(pass1.dayFirst == 1 ? " was" : "s were") held (S03) for being written day "
                        + "first (D/M/YYYY): dates are read month first (M/D/YYYY), so if the extract writes them day "
                        + "first, its dates with a day of 12 or less were read a month off: export dates as YYYY-MM-DD")
            }
            if pass1.openQuotes > 0 {
                // A quote left open made one record of many lines: the summary counts it as one.
                warning?(
                    "\(pass1.openQuotes) held record\(pass1.openQuotes == 1 ? " runs" : "s run") over several lines "
                        + "(\(pass1.openQuoteLines) in all) and count\(pass1.openQuotes == 1 ? "s" : "") as one line each: "
                        + "a quote left open takes the lines after it into its record (S01 in findings.csv names where it "
                        + "starts); fix the quote and scrub again")
            }
            for (i, input) in inputs.enumerated() {
                summary.inputs.append(
                    .init(
                        file: input.source.reportedName, format: input.layout.formatExtension,
                        compressed: input.source.isCompressed, lines: pass1.recordsPerFile[i]))
            }
            // Shard stage: encounter rules over every patient-day.
            let t3 = PhaseMark()
            let context = EncounterContext(tables: tables, settings: options.settings, payers: pass1.payerNames)
            MemoryTuning.releaseFreeMemory()
            phaseStarted?("encounter edits")
            let encounterFindings = try EncounterStage.run(
                store: pass1.store, context: context, workers: options.workers)
            try apply(encounterFindings, to: pass1, summary: &summary)
            summary.run.record("encounters", since: t3)
            // Pass 2.
            let t2 = PhaseMark()
            let findings = try OutputFile(path: path(directory, "findings.csv"), level: nil)
            outputs.append(findings)
            let clean = try OutputFile(path: path(directory, names[0]), level: level, workers: level == nil ? 0 : 2)
            outputs.append(clean)
            let held = try OutputFile(path: path(directory, names[1]), level: level, workers: 0)
            outputs.append(held)
            MemoryTuning.releaseFreeMemory()
            phaseStarted?("writing")
            try passTwo(
                inputs: inputs, layout: layout, state: pass1, encounterFindings: encounterFindings, clean: clean,
                heldOut: held, findings: findings)
            summary.run.record("pass2", since: t2)
            summary.run.record("total", since: started)
            for input in inputs {
                try FileStamp.requireUnchanged(input.stamp, path: input.path, name: input.source.name)
            }
            try ScrubPipeline.complete(&outputs, summary: summary, directory: directory)
        } catch {
            for output in outputs { output.discard() }
            throw error
        }
        let status = options.failOn.exitStatus(summary.metrics)
        return Result(summary: summary, exitStatus: status, outputFiles: names.map { path(directory, $0) })
    }

    /// Writes summary.json and report.html beside the other outputs, then finishes every output and
    /// moves it to its final name: nothing appears under a final name before all are complete.
    static func complete(_ outputs: inout [OutputFile], summary: ScrubSummary, directory: String) throws {
        let summaryFile = try OutputFile(
            path: (directory as NSString).appendingPathComponent("summary.json"), level: nil)
        outputs.append(summaryFile)
        let json = summary.json()
        // `claim-scrub report` must read every summary a scrub writes: one it would refuse (charge
        // totals past 2^61 cents, from absurd amounts on hundreds of millions of lines) stops the
        // run instead.
        do {
            _ = try ScrubSummary(json: json, file: "summary.json")
        } catch let error as ScrubError {
            throw ScrubError("the run's summary.json would be one `claim-scrub report` cannot read: \(error.message)")
        }
        try summaryFile.write(json)
        let report = try OutputFile(path: (directory as NSString).appendingPathComponent("report.html"), level: nil)
        outputs.append(report)
        try report.write(ReportRenderer.html(summary))
        // Each on disk (fsync) before any takes its final name.
        for output in outputs { try output.finish() }
        // All or none: should a rename fail (the folder made read-only, or a name taken meanwhile),
        // the outputs already in place are removed again, so no final name holds part of a run.
        // summary.json goes last: where the process is killed outright between two renames (no
        // handler runs), a folder without it holds no complete run, which the next run clears.
        var committed: [OutputFile] = []
        TemporaryFiles.shared.enterCommit()
        do {
            for output in outputs where output !== summaryFile {
                try output.commit()
                committed.append(output)
            }
            try summaryFile.commit()
        } catch {
            for output in committed { unlink(output.finalPath) }
            throw error
        }
        OutputFile.syncFolder(directory)
    }

    /// Counts the shard stage's findings and holds their lines.
    private func apply(_ findings: EncounterFindings, to state: PassOneState, summary: inout ScrubSummary) throws {
        // The line facts the report needs come with each finding. Order does not matter here: a
        // line's findings come together and in order, and lines do not affect each other's tallies.
        try findings.forEach { finding in
            let record = Int(finding.ordinal)
            let wasFlagged = state.flagged.contains(record)
            let wasHeld = state.held.contains(record)
            state.flagged.insert(record)
            if finding.severity == .error { state.held.insert(record) }
            summary.metrics.addLateFinding(
                rule: finding.rule, severity: finding.severity,
                department: state.departmentNames[Int(finding.department)],
                renderingNPI: UInt64(finding.rendering), payer: state.payerNames[Int(finding.payer)],
                procedure: EncounterLine.reportedCode(finding.code), amountCents: finding.amountCents,
                serviceDay: finding.day,
                wasHeld: wasHeld, wasFlagged: wasFlagged)
        }
    }

    private func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    private func prepareOutputDirectory(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ScrubError("cannot create the output folder: \(error.localizedDescription)", file: directory)
        }
    }

    // MARK: - Inputs

    private func openInputs(standardInput: String?) throws -> [OpenInput] {
        var result: [OpenInput] = []
        // Messages about the column map name its file: the header's line 1 is the extract's.
        let columnMapName =
            options.columnMapFile.map { "--columns \(($0 as NSString).lastPathComponent)" } ?? "--columns"
        for (index, argument) in options.inputs.enumerated() {
            var path = argument
            var name = argument
            if argument == "-", let standardInput {
                path = standardInput
                name = "<stdin>"
            }
            if index > 0, let format = try ClaimFileFormat.detectReading(path: path, name: name) {
                throw ScrubError(
                    "is a \(format.rawValue) file, not an extract like the first input; inputs of one run must share one format",
                    file: name)
            }
            // Stamped before the first byte is read: a write during either pass changes it.
            let stamp = FileStamp(path: path)
            let reader = try openReader(path: path, name: name, index: index)
            let source = reader.source
            guard let header = try reader.readHeader() else {
                throw ScrubError("empty input: no header line", file: name, line: 1)
            }
            // (A byte order mark alone, or before a blank line, is no header either.)
            let text = header.starts(with: [0xEF, 0xBB, 0xBF]) ? header.dropFirst(3) : header[...]
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) {
                // Not "required column missing": there is no header at all.
                // (A byte order mark and nothing else is an empty file with a mark, not blank lines.)
                throw ScrubError(
                    !ClaimFileFormat.isBlank(path: path)
                        ? "the first line is blank: an extract starts with its header line"
                        : text.isEmpty
                            ? "empty input: a byte order mark and nothing else, no header line"
                            : "empty input: the file holds only blank lines, no header line",
                    file: name, line: 1)
            }
            let layout: ExtractLayout
            do {
                layout = try ExtractLayout(
                    header: header, delimiter: options.delimiter, columnMap: options.columnMap, file: name,
                    encoding: options.encoding, columnMapName: columnMapName)
            } catch let error as ScrubError where !result.isEmpty {
                // A later input whose first line is no header at all (data only): what matters is
                // that it is not the first input's header, not which column it lacks.
                throw ScrubError(
                    "first line differs from the first input's header (\(result[0].source.name)): inputs of one run "
                        + "must share one header (\(error.message))", file: name, line: 1)
            }
            // Inputs share one header (below): the first one's says it for all. A misspelt key for
            // an optional column would leave that column unread, and its rules passing every line.
            if index == 0 {
                let unmatched = ExtractLayout.unmatchedKeys(of: options.columnMap, in: layout.headerNames)
                if !unmatched.isEmpty {
                    let keys = unmatched.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                    warning?(
                        "\(columnMapName) maps \(keys)\(unmatched.count > 5 ? " and \(unmatched.count - 5) more" : ""), "
                            + "which no header field is: \(unmatched.count == 1 ? "that mapping does" : "those do") nothing"
                    )
                }
                if let unread = Self.unreadFieldsWarning(layout, columnMapName: columnMapName) { warning?(unread) }
            }
            if try reader.recordsEndWithCROnly(delimiter: layout.delimiter, fieldCount: layout.headerNames.count) {
                throw ScrubError(
                    "records end with CR only after the header; convert to LF or CRLF", file: name, line: 2)
            }
            if let first = result.first {
                if let difference = Self.headerDifference(layout, from: first.layout) {
                    throw ScrubError(
                        "header differs from the first input's (\(first.source.name)): \(difference); inputs of one run "
                            + "must share one header",
                        file: name, line: 1)
                }
            }
            reader.delimiter = layout.delimiter
            // Inputs after the first are opened here for their header only, and again when pass
            // 1 comes to them (`reopened`): a zstd input held open takes about 3.5 MiB.
            if index > 0 { reader.release() }
            result.append(OpenInput(source: source, reader: reader, layout: layout, path: path, stamp: stamp))
        }
        return result
    }

    /// The warning for an extract whose header leaves out a column the rules need while a field
    /// read as no column has a name that suggests it: `TX_AMOUNT` or `UNITS_BILLED`, names no
    /// alias knew, left every amount $0 and every line's units 1 without a word, and the gate
    /// passed lines an MUE edit would hold. Fields are named by position, never by text: a header
    /// run into its first record (a lost line end) holds patient data. Nil when there is none.
    static func unreadFieldsWarning(_ layout: ExtractLayout, columnMapName: String) -> String? {
        // A column the rules need; what in a header name suggests it: text found anywhere in the
        // name (lower case, letters and digits only: `TXAMT`, `PATDOB`, `ICD10CM`) where no other
        // column's name holds it, whole words (`headerWords`) where one may (`mod` in
        // MODE_OF_ARRIVAL, `charge` in DISCHARGE_DATE, `sex` in ESSEX), unless a word of `unless`
        // is there too (a unit named for a place, UNIT_NAME, DISCHARGE_UNIT, or priced or
        // measured, UNIT_PRICE, UNIT_OF_MEASURE, is no count); and what its absence does.
        typealias Need = (
            columns: [Column], name: String, anywhere: [String], words: Set<String>, unless: Set<String>,
            without: String
        )
        let notACount: Set<String> = [
            "name", "id", "code", "desc", "description", "type", "dept", "nursing", "loc", "discharge", "price", "cost",
            "rate", "charge", "amount", "amt", "measure", "uom", "of",
        ]
        // Words of a field about a code rather than the code: `DX_DESCRIPTION`, `MODIFIER_NAME`.
        let describing: Set<String> = [
            "desc", "descr", "description", "name", "text", "type", "pointer", "ptr", "poa", "seq", "sequence",
            "count", "qualifier", "version", "date", "flag",
        ]
        let needed: [Need] = [
            (
                [.chargeAmount], "charge_amount", ["amount", "amt", "chg"],
                ["charge", "charges", "price", "fee", "fees"], [], "without charge_amount amounts are $0"
            ),
            (
                [.units], "units", ["units", "qty", "quantity", "quantities"], ["unit"], notACount,
                "without units every line is 1 unit"
            ),
            ([.dx1], "dx1", ["diag", "icd"], ["dx"], describing, "without dx1 no diagnosis is checked"),
            (
                [.modifier1, .modifiers], "modifier1", ["modifier"], ["mod", "mods"], describing,
                "without modifiers no modifier is checked and no NCCI edit is bypassed"
            ),
            ([.renderingNpi, .billingNpi], "rendering_npi", ["npi"], [], [], "without an NPI none is checked"),
            (
                [.patientDob], "patient_dob", ["dob", "birth"], [], [],
                "without patient_dob the age edits (M01) do not run"
            ),
            (
                [.patientSex], "patient_sex", ["gender"], ["sex"], [],
                "without patient_sex the sex edits (M02) do not run"
            ),
        ]
        // Numbered columns, when the first of them is missing: two diagnosis or modifier fields
        // read as no column are the first two of their kind, not both the first (MODIFIER_ONE and
        // MODIFIER_TWO were both "modifier1?"). Beside dx1 or modifier1 nothing is said: audit
        // columns (`LAST_MOD_USER`), ids and descriptions (`DX_ID`, `DIAGNOSIS_STATUS`) abound.
        let families: [(first: Column, members: [Column])] = [
            (.dx1, Column.diagnoses), (.modifier1, [.modifier1, .modifier2, .modifier3, .modifier4]),
        ]
        var suggested: [String] = []
        var consequences: [String] = []
        var named: Set<Column> = []
        for (k, column) in layout.columns.enumerated() where column == nil {
            let words = headerWords(layout.headerNames[k])
            let name = Column.normalise(layout.headerNames[k])
            func suggests(_ need: Need) -> Bool {
                if need.anywhere.contains(where: { name.contains($0) }) { return true }
                return !need.words.isDisjoint(with: words) && need.unless.isDisjoint(with: words)
            }
            guard let need = needed.first(where: { !$0.columns.contains(where: layout.has) && suggests($0) }) else {
                continue
            }
            var column = need.name
            // An NPI field named for the billing provider (`Billing Prov NPI`, `BILL_NPI`) is
            // billing_npi: mapped as the rendering one it would group E01–E06 by the group's NPI.
            if need.columns.contains(.billingNpi) && name.contains("bill") {
                column = Column.billingNpi.rawValue
            }
            if let family = families.first(where: { need.columns.contains($0.first) }) {
                guard need.unless.isDisjoint(with: words),
                    let next = family.members.first(where: { !layout.has($0) && !named.contains($0) })
                else { continue }
                named.insert(next)
                column = next.rawValue
            }
            suggested.append("\(k + 1) (\(column)?)")
            if !consequences.contains(need.without) { consequences.append(need.without) }
        }
        guard !suggested.isEmpty else { return nil }
        let fields = suggested.count == 1 ? "field \(suggested[0]) is" : "fields \(Self.list(suggested)) are"
        return "header \(fields) read as no column, though named like a column the rules need: "
            + consequences.joined(separator: "; ") + "; map it with \(columnMapName)"
    }

    /// A header name's words, lower case, trailing digits dropped (`Dx_Code_2` → dx, code;
    /// `TxAmount` → tx, amount; `ICD10` → icd): split at anything not a letter or digit and where a
    /// lower-case letter meets an upper-case one.
    static func headerWords(_ name: String) -> Set<String> {
        var words: Set<String> = []
        var word = ""
        var previousLower = false
        func finish() {
            while let last = word.last, last.isNumber { word.removeLast() }
            if !word.isEmpty { words.insert(word.lowercased()) }
            word = ""
        }
        for c in name {
            if c.isLetter || c.isNumber {
                if c.isUppercase && previousLower { finish() }
                word.append(c)
                previousLower = c.isLowercase
            } else {
                finish()
                previousLower = false
            }
        }
        finish()
        return words
    }

    /// `a`, `a and b`, `a, b and c`; past eight, `… and N more`.
    private static func list(_ items: [String]) -> String {
        let shown = Array(items.prefix(8))
        let rest = items.count - shown.count
        if rest > 0 { return shown.joined(separator: ", ") + " and \(rest) more" }
        if shown.count == 1 { return shown[0] }
        return shown.dropLast().joined(separator: ", ") + " and " + shown.last!
    }

    /// A reader of input `index` at its start, before its header (read with `--delimiter`'s quote
    /// rule when one is forced).
    private func openReader(path: String, name: String, index: Int) throws -> ChunkReader {
        let reader = ChunkReader(
            source: try InputSource(path: path, name: name, reportedName: options.reportedInputNames[index]),
            file: index,
            chunkSize: options.chunkSize,
            maxRecordBytes: options.maxRecordBytes)
        if let forced = options.delimiter { reader.delimiter = forced }
        return reader
    }

    /// Opens an input after the first again, for pass 1 (`openInputs` let it go after its header),
    /// past its header, which must be the one read before.
    func reopened(_ input: OpenInput, index: Int) throws -> ChunkReader {
        let reader = try openReader(path: input.path, name: input.source.name, index: index)
        guard try reader.readHeader() == input.layout.headerBytes else {
            reader.release()
            throw ScrubError(
                "the input changed while it was being scrubbed (its header is not the one read at the start)",
                file: input.source.name, line: 1)
        }
        reader.delimiter = input.layout.delimiter
        return reader
    }

    /// What sets a later input's header apart from the first input's, nil when they are the same:
    /// the delimiter, the first field that differs, or the number of fields. Fields are named by
    /// their position and the column each is read as, never by their text: a header run together
    /// with its first record (a line end lost), or a file without a header, puts patient data
    /// where the names should be, in either input (invariant 6).
    static func headerDifference(_ layout: ExtractLayout, from first: ExtractLayout) -> String? {
        func named(_ delimiter: UInt8) -> String {
            switch delimiter {
            case 0x2C: return "comma"
            case 0x7C: return "pipe"
            case 0x09: return "tab"
            default: return "'\(String(decoding: [delimiter], as: UTF8.self))'"
            }
        }
        if layout.delimiter != first.delimiter {
            return
                "its fields are separated by \(named(layout.delimiter)), the first input's by \(named(first.delimiter))"
        }
        let mine = layout.headerNames
        let theirs = first.headerNames
        let count =
            mine.count == theirs.count ? "" : "; it has \(mine.count) fields, the first input \(theirs.count)"
        for k in 0..<min(mine.count, theirs.count) where mine[k] != theirs[k] {
            let here = layout.columns[k]
            let there = first.columns[k]
            if let here, here == there {
                return "field \(k + 1) names \(here.rawValue) in both, spelt differently\(count)"
            }
            func role(_ column: Column?) -> String {
                column.map { "read as \($0.rawValue)" } ?? "a field no rule reads"
            }
            return "field \(k + 1) differs: here \(role(here)), in the first input \(role(there))\(count)"
        }
        if mine.count != theirs.count {
            return "it has \(mine.count) fields, the first input \(theirs.count)"
        }
        return nil
    }

    /// Standard input can be read only once: copy it to a temporary file so both passes can read it.
    private func spoolStandardInput() throws -> String {
        // Closed when the process started (`<&-`): /dev/null stands in for it, which would read
        // as an empty input.
        if StandardStreams.inputWasClosed {
            throw ScrubError("standard input is closed: nothing to read for '-'", file: "<stdin>")
        }
        let (fd, path) = try TemporaryFiles.shared.create(in: options.temporaryDirectory, suffix: "stdin.spool")
        defer { close(fd) }
        // A half-written spool is removed before the error goes up: the caller never learns its path.
        func fail(_ error: ScrubError) -> ScrubError {
            unlink(path)
            TemporaryFiles.shared.unregister(path)
            return error
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        // Until a line end (LF or CR) is seen in the first MiB, or the input is told to be zstd or
        // an X12 file (one line of `~`-ended segments): without one it is no input the run reads
        // (a header line is at most 1 MiB), and `- < /dev/zero` filled --temp-dir before saying so.
        var looking = true
        var spooled = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                throw fail(
                    ScrubError("cannot read standard input: \(String(cString: strerror(errno)))", file: "<stdin>"))
            }
            if n == 0 { break }
            if looking {
                if spooled == 0
                    && (ZstdFormat.isCompressed(prefix: Array(buffer.prefix(min(n, 4))))
                        || ClaimFileFormat.detect(head: Array(buffer.prefix(min(n, 4096)))) == .x12)
                {
                    looking = false
                } else if buffer.prefix(n).contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                    looking = false
                } else if spooled + n >= 1 << 20 {
                    throw fail(
                        ScrubError(
                            "no line end in its first MiB: not an extract, an 837 or an HL7 file", file: "<stdin>",
                            line: 1))
                }
            }
            spooled += n
            do {
                try buffer.withUnsafeBytes { bytes in
                    try writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<n])) {
                        ScrubError(
                            "cannot spool it to \(options.temporaryDirectory ?? "the temporary folder") (is it full?): \($0)",
                            file: "<stdin>")
                    }
                }
            } catch let error as ScrubError {
                throw fail(error)
            }
        }
        return path
    }
}

extension ScrubSummary {
    /// A run's summary before any line is read: the tables it checks against (and the code sets it
    /// lacks) and its parameters. Both pipelines, CSV and claim files, start from this.
    init(options: ScrubOptions, tables: CodeTables, started: Date) {
        self.init()
        self.tables = tables.releases
        codeSetsNotLoaded = TableListing.missingCodeSets(tables)
        rulesOff = RuleID.allCases.filter { !options.settings.isEnabled($0) }.map(\.rawValue)
        chargeLagThresholdDays = options.settings.chargeLagDays
        run.asOf = DayNumber.format(options.asOf)
        run.workers = options.workers
        run.failOn = options.failOn.rawValue
        run.chunkSize = options.chunkSize
        run.memoryLimit = options.memoryLimit
        run.host = ProcessInfo.processInfo.hostName
        run.startedAt = ISO8601DateFormatter().string(from: started)
    }
}
