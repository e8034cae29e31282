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
        guard lines >= 0 else { throw ValidationError("--lines must be 0 or more") }
        guard (0...1).contains(errorRate) else { throw ValidationError("--error-rate must be between 0 and 1") }
        guard ["csv", "x12", "hl7"].contains(format) else { throw ValidationError("--format must be csv, x12 or hl7") }
        _ = try parseDay(asOf, option: "--as-of")
    }

    mutating func run() throws {
        var options = ExtractGenerator.Options(lines: lines)
        options.seed = seed
        options.errorRate = errorRate
        options.asOf = try parseDay(asOf, option: "--as-of")
        let compressed = out.hasSuffix(".zst")
        if let claimFormat = ClaimFileFormat(rawValue: format) {
            var generator = ClaimFileGenerator(format: claimFormat, options: options)
            try write(compressed: compressed, generate: { try generator.generate($0) }, truth: { generator.truthCSV() })
            return
        }
        var generator = ExtractGenerator(options: options)
        do {
            let file = try OutputFile(path: out, level: compressed ? 3 : nil, workers: compressed ? 2 : 0)
            do {
                try generator.generate { try file.write($0) }
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
            let truthPath = (compressed ? String(out.dropLast(4)) : out) + ".truth.csv"
            let truth = try OutputFile(path: truthPath, level: nil)
            try truth.write(generator.truthCSV())
            try truth.commit()
        } catch let error as ScrubError {
            throw fail(error)
        }
    }

    /// Writes the file (zstd level 3 for a .zst name) and its truth file, atomically.
    private func write(compressed: Bool, generate: (([UInt8]) throws -> Void) throws -> Void, truth: () -> [UInt8])
        throws
    {
        do {
            let file = try OutputFile(path: out, level: compressed ? 3 : nil, workers: compressed ? 2 : 0)
            do {
                try generate { try file.write($0) }
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
            let truthPath = (compressed ? String(out.dropLast(4)) : out) + ".truth.csv"
            let truthFile = try OutputFile(path: truthPath, level: nil)
            try truthFile.write(truth())
            try truthFile.commit()
        } catch let error as ScrubError {
            throw fail(error)
        }
    }
}
