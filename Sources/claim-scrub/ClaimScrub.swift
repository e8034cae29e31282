import ArgumentParser
import ClaimScrubber
import Foundation

@main
struct ClaimScrub: ParsableCommand {
    static func main() {
        StandardStreams.secure()
        ResourceLimits.boundThreadStacks()
        MemoryTuning.apply()
        // No arguments at all: the runtime could not read the command line (it reads
        // /proc/self/cmdline, absent in some sandboxes and chroots); the parser would print help
        // and exit 0, a passing gate with nothing scrubbed.
        guard !CommandLine.arguments.isEmpty else {
            StandardError.write("claim-scrub: error: cannot read the command line (is /proc mounted?)\n")
            Foundation.exit(2)
        }
        // An argument of bytes that are not UTF-8 (a file or folder name written in Windows-1252)
        // reaches the program with U+FFFD in place of those bytes: such an input "did not exist",
        // and an --out folder of such a name was written under another name. Refused, unquoted.
        for k in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[k] else { continue }
            let bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self), count: strlen(argument))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            StandardError.write(
                "claim-scrub: error: argument \(k) is not UTF-8 text (a file or folder name in another encoding?): "
                    + "rename it, or reach it through a link whose name is UTF-8\n")
            Foundation.exit(2)
        }
        // No command: help, on stderr, and the status of a command line that does nothing (2), not
        // 0, so that `claim-scrub $COMMAND && submit` with an empty $COMMAND does not submit.
        guard CommandLine.arguments.count > 1 else {
            StandardError.write(helpMessage() + "\n")
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // Bad usage is status 2 like every run that could not be done (the contract's exit
            // statuses), not the argument parser's EX_USAGE (64); help, version and the gate's own
            // statuses pass through unchanged.
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            StandardError.write(fullMessage(for: error) + "\n")
            Foundation.exit(2)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "claim-scrub",
        abstract: "Scrubs charge extracts before they become claims.",
        version: ClaimScrubberVersion.current,
        subcommands: [Scrub.self, Generate.self, TablesCommand.self, ReportCommand.self]
    )
}

/// Refuses an option of `names` (each takes one value) given twice: the argument parser keeps the
/// last and drops the first without a word (`--config rules.toml --config lag.toml` ran with
/// lag.toml alone).
func refuseRepeated(_ names: [String], in arguments: [String]) throws {
    var seen: Set<String> = []
    for argument in arguments.prefix(while: { $0 != "--" }) {
        let name = String(argument.prefix(while: { $0 != "=" }))
        guard names.contains(name) else { continue }
        guard seen.insert(name).inserted else {
            throw ValidationError("\(name) is given twice: it takes one value (the last would be used alone)")
        }
    }
}

/// Prints a run-stopping error the way every subcommand does, and maps it to exit status 2.
func fail(_ error: any Error) -> ExitCode {
    StandardError.write("claim-scrub: error: \(error)\n")
    return ExitCode(2)
}

/// Parses a YYYY-MM-DD argument into a day number.
func parseDay(_ text: String, option: String) throws -> Int32 {
    // Only the ISO form: DayNumber also reads the service-date forms YYYYMMDD and MM/DD/YYYY,
    // and a day-first 01/06/2026 would silently become another "today".
    let iso =
        text.utf8.count == 10
        && text.utf8.enumerated().allSatisfy { i, c in
            i == 4 || i == 7 ? c == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
        }
    let day = iso ? DayNumber.parse(text) : DayNumber.malformed
    if iso, let year = Int(text.prefix(4)), !(1800...2200).contains(year) {
        throw ValidationError("\(option) must be a date in the years 1800-2200, not '\(text)'")
    }
    guard DayNumber.isDate(day) else { throw ValidationError("\(option) must be a date YYYY-MM-DD, not '\(text)'") }
    return day
}

/// Today's date where the run is (the local time zone, `TZ`), as a day number: the date billing
/// staff see on their calendar. (It was the UTC date, a day off in the evening in the Americas: a
/// charge dated tomorrow there got no D01.)
func today() -> Int32 {
    var now = time(nil)
    var parts = tm()
    guard localtime_r(&now, &parts) != nil else { return Int32(Int(now) / 86_400) }
    return DayNumber.from(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
}
