import ArgumentParser
import ClaimScrubber
import Foundation
import Zstd

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic extract with injected defects, and its truth file.",
        discussion: "The truth file <FILE without .zst>.truth.csv lists line_id,rule for every injected defect."
    )

    @Option(help: "Number of charge lines.")
    var lines: Int

    @Option(help: "Random seed (same seed, same extract).")
    var seed: UInt64 = 1

    @Option(help: "Fraction of lines with an injected defect (0.05 = 5%).")
    var errorRate = 0.05

    @Option(help: "Dates of service fall in the 90 days before this date.")
    var asOf = "2026-06-30"

    @Option(help: "Output format: csv, x12 (837P/837I) or hl7 (DFT^P03).")
    var format = "csv"

    @Option(help: "Output file; a .zst name writes zstd (level 3).")
    var out: String

    func validate() throws {
        try refuseRepeated(
            ["--lines", "--seed", "--error-rate", "--as-of", "--format", "--out"], in: CommandLine.arguments)
        guard lines >= 0 else { throw ValidationError("--lines must be 0 or more") }
        guard (0...1).contains(errorRate) else { throw ValidationError("--error-rate must be between 0 and 1") }
        guard ["csv", "x12", "hl7"].contains(format) else { throw ValidationError("--format must be csv, x12 or hl7") }
        // A claim file holds claims: one of none is an empty file, which no scrub takes (a CSV
        // extract of none is its header line).
        guard format == "csv" || lines >= 1 else { throw ValidationError("--lines must be 1 or more for \(format)") }
        // The truth file goes beside --out: beside /dev/stdout (a link to a regular file when
        // standard output is redirected to one) it was a regular file made in /dev.
        if out.hasPrefix("/dev/") || out.hasPrefix("/proc/") {
            throw ValidationError(
                "--out must name a file in a folder: the truth file is written beside it (\(out).truth.csv)")
        }
        // Patients are up to 93 years old and every date must lie in the years 1800-2200.
        let day = try parseDay(asOf, option: "--as-of")
        guard day >= DayNumber.parse("1900-01-01") && day <= DayNumber.parse("2199-12-31") else {
            throw ValidationError("--as-of for generate must be 1900-01-01...2199-12-31")
        }
    }

    mutating func run() throws {
        var options = ExtractGenerator.Options(lines: lines)
        options.seed = seed
        options.errorRate = errorRate
        options.asOf = try parseDay(asOf, option: "--as-of")
        if !ExtractGenerator.exactTruthAsOf.contains(options.asOf) {
            let range = ExtractGenerator.exactTruthAsOf
            StandardError.write(
                "warning: the dates of service (the 90 days before --as-of \(asOf)) fall partly outside the "
                    + "shipped ICD-10-CM releases or the demo NCCI files; a scrub reports C06 there in place of "
                    + "some defects the truth file lists (it is exact for --as-of "
                    + "\(DayNumber.format(range.lowerBound)) through \(DayNumber.format(range.upperBound)))\n")
        }
        let compressed = out.hasSuffix(".zst")
        if let claimFormat = ClaimFileFormat(rawValue: format) {
            var generator = ClaimFileGenerator(format: claimFormat, options: options)
            try write(compressed: compressed, generate: { try generator.generate($0) }, truth: { generator.truthCSV() })
            return
        }
        var generator = ExtractGenerator(options: options)
        try write(compressed: compressed, generate: { try generator.generate($0) }, truth: { generator.truthCSV() })
    }

    /// Writes the file (zstd level 3 for a .zst name) and its truth file, both or neither: each is
    /// written under a temporary name, and a failure on either (a folder under the truth file's
    /// name, say) leaves no file under a final name and no temporary.
    private func write(compressed: Bool, generate: (([UInt8]) throws -> Void) throws -> Void, truth: () -> [UInt8])
        throws
    {
        let truthPath = (compressed ? String(out.dropLast(4)) : out) + ".truth.csv"
        var files: [OutputFile] = []
        var committed: [String] = []
        // An interrupt removes the temporary files and exits 130/143, as a scrub's does.
        TemporaryFiles.shared.beginRun()
        do {
            let file = try OutputFile(path: out, level: compressed ? 3 : nil, workers: compressed ? 2 : 0)
            files.append(file)
            try generate { try file.write($0) }
            try file.finish()
            let truthFile = try OutputFile(path: truthPath, level: nil)
            files.append(truthFile)
            try truthFile.write(truth())
            try truthFile.finish()
            TemporaryFiles.shared.enterCommit()
            // The truth file first: a data file under its final name always has its truth beside it.
            try truthFile.commit()
            // Where it went: the file a link under its name leads to, which a failure removes.
            committed.append(truthFile.finalPath)
            try file.commit()
        } catch {
            for file in files { file.discard() }
            for path in committed { unlink(path) }
            if let error = error as? ScrubError { throw fail(error) }
            throw error
        }
    }
}
