import ArgumentParser
import ClaimScrubber
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render report.html from a summary.json, optionally against the previous run's.",
        discussion:
            "With --compare, the tables show the previous summary's figures (last month's run) and the change; "
            + "the weekly trend is this run's only (the weeks of service differ between runs)."
    )

    @Argument(help: "summary.json of the run to report.")
    var summary: String

    @Option(help: "summary.json of the previous run, to show the changes.")
    var compare: String?

    @Option(help: "The HTML file to write.")
    var out: String

    func validate() throws {
        try refuseRepeated(["--compare", "--out"], in: CommandLine.arguments)
    }

    func run() throws {
        do {
            try Self.checkOutIsNoInput(out: out, inputs: [summary] + (compare.map { [$0] } ?? []))
            let current = try Self.load(summary)
            let previous = try compare.map(Self.load)
            // An interrupt removes the temporary file and exits 130/143, as a scrub's does.
            TemporaryFiles.shared.beginRun()
            let file = try OutputFile(path: out, level: nil)
            do {
                try file.write(Array(ReportRenderer.html(current, previous: previous).utf8))
                try file.finish()
                TemporaryFiles.shared.enterCommit()
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
        } catch let error as ScrubError {
            throw fail(error)
        }
    }

    /// Stops, before anything is read or written, when `--out` is one of the summaries read (the
    /// same file by device and inode, whatever the path): the page would replace last month's
    /// summary.json. `scrub` refuses an input that is one of its outputs the same way.
    static func checkOutIsNoInput(out: String, inputs: [String]) throws {
        guard let output = FileIdentity(path: out) else { return }
        for input in inputs where FileIdentity(path: input) == output {
            let same = input == out ? "" : " (as \(input))"
            throw ScrubError(
                "is a summary this report reads\(same), which --out would replace: choose another --out", file: out)
        }
    }

    static func load(_ path: String) throws -> ScrubSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScrubError("cannot read the summary", file: path)
        }
        return try ScrubSummary(json: [UInt8](data), file: path)
    }
}
