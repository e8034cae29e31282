import Foundation
import Synchronization
import Testing

@testable import ClaimScrubber

@Suite struct ProgressBarTests {
    /// Collects what the bar writes, with a clock the test moves.
    final class Terminal: Sendable {
        let written = Mutex<[String]>([])
        let clock = Mutex<Double>(100)

        func bar(width: Int = 78) -> ProgressBar {
            ProgressBar(
                width: width, write: { text in self.written.withLock { $0.append(text) } },
                now: { self.clock.withLock { $0 } })
        }

        func advance(_ seconds: Double) { clock.withLock { $0 += seconds } }
        var writes: [String] { written.withLock { $0 } }
    }

    @Test func lineShowsRatesAndTimeLeft() throws {
        // 25 MB of 100 MB compressed in 5 s: 5 MB/s, 15 s left; 1.5M lines: 300k lines/s.
        let line = ProgressBar.line(bytes: 25_000_000, total: 100_000_000, lines: 1_500_000, elapsed: 5, width: 78)
        #expect(line.contains(" 25%"))
        #expect(line.contains("1.5M lines"))
        #expect(line.contains("300k lines/s"))
        #expect(line.contains("5.0 MB/s"))
        #expect(line.contains("ETA 0:15"))
        // A quarter of the bar filled (rounded down).
        let bar = try #require(line.split(separator: "]").first).dropFirst()
        let filled = bar.filter { $0 == "#" }.count
        #expect(line.hasPrefix("[#") && filled == bar.count / 4, "\(line)")
        #expect(line.count <= 78)
    }

    @Test func unknownTotalHasNoBarOrTimeLeft() {
        let line = ProgressBar.line(bytes: 1_000, total: 0, lines: 10, elapsed: 1, width: 78)
        #expect(!line.contains("[") && !line.contains("ETA") && !line.contains("%"))
        #expect(line.contains("10 lines"))
    }

    @Test(arguments: [(0.2, "0:01"), (67.0, "1:07"), (3_723.0, "1:02:03")])
    func durations(seconds: Double, text: String) {
        #expect(ProgressBar.duration(seconds) == text)
    }

    @Test func redrawsAtMostTenTimesASecond() {
        let terminal = Terminal()
        let bar = terminal.bar()
        for i in 0..<50 {
            bar.update(bytes: UInt64(i) * 1_000, total: 100_000, lines: i * 10)
            terminal.advance(0.01)  // 50 updates over 0.5 s
        }
        let draws = terminal.writes.count
        #expect(draws >= 4 && draws <= 6, "\(draws) redraws in half a second")
        #expect(terminal.writes.allSatisfy { $0.hasPrefix("\r") })
    }

    @Test func finishClearsTheLineOnce() {
        let terminal = Terminal()
        let bar = terminal.bar()
        bar.update(bytes: 10, total: 100, lines: 5)
        bar.finish()
        bar.finish()
        bar.update(bytes: 20, total: 100, lines: 9)
        #expect(terminal.writes.count == 2)
        #expect(terminal.writes.last == "\r\u{1B}[2K")
    }

    @Test func nothingDrawnNothingCleared() {
        let terminal = Terminal()
        terminal.bar().finish()
        #expect(terminal.writes.isEmpty)
    }

    /// Lines arrive per input file (each counts from 0): the bar shows the run's total.
    @Test func linesAddUpAcrossFiles() {
        let terminal = Terminal()
        let bar = terminal.bar()
        bar.update(bytes: 10, total: 100, lines: 1_000)
        terminal.advance(1)
        bar.update(bytes: 50, total: 100, lines: 2_000)
        terminal.advance(1)
        bar.update(bytes: 60, total: 100, lines: 500)  // second file
        #expect(terminal.writes.last?.contains("2.5k lines") == true, "\(terminal.writes)")
    }

    /// Each phase names itself and counts from its own start.
    @Test func phasesLeadTheLineAndRestartTheRates() {
        let terminal = Terminal()
        let bar = terminal.bar()
        bar.begin(phase: "reading")
        #expect(terminal.writes.last?.hasPrefix("\rreading …") == true, "\(terminal.writes)")
        terminal.advance(1)
        bar.update(bytes: 100, total: 100, lines: 4_000)
        #expect(terminal.writes.last?.contains("4k lines/s") == true, "\(terminal.writes)")
        terminal.advance(10)
        bar.begin(phase: "writing")
        terminal.advance(2)
        bar.update(bytes: 50, total: 100, lines: 2_000)
        let last = terminal.writes.last ?? ""
        #expect(last.hasPrefix("\rwriting [") && last.contains(" 50%"), "\(last)")
        // 2,000 lines in the 2 s since "writing" began (not 13 s since the run began, nor 6,000 lines).
        #expect(last.contains("2k lines ") && last.contains("1k lines/s") && last.contains("ETA 0:02"), "\(last)")
    }

    /// The pipeline announces its three phases in order and reports pass 2 up to the whole input.
    @Test func pipelineReportsEveryPhase() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv.zst")
        _ = try Fixtures.generate(lines: 3_000, to: input)
        var options = ScrubOptions(inputs: [input], asOf: Fixtures.asOf)
        options.outputDirectory = dir.file("out")
        options.chunkSize = 16 << 10
        let events = Mutex<[(phase: String, bytes: UInt64, total: UInt64, lines: Int)]>([])
        let pipeline = ScrubPipeline(options: options, tables: Fixtures.tablesCache)
        pipeline.phaseStarted = { phase in events.withLock { $0.append((phase, 0, 0, -1)) } }
        pipeline.progress = { bytes, total, lines in
            events.withLock { $0.append(($0.last?.phase ?? "", bytes, total, lines)) }
        }
        _ = try pipeline.run()
        let log = events.withLock { $0 }
        let phases = log.filter { $0.lines < 0 }.map(\.phase)
        #expect(phases == ["reading", "encounter edits", "writing"])
        let size = UInt64(try FileManager.default.attributesOfItem(atPath: input)[.size] as! Int)
        for phase in ["reading", "writing"] {
            let reports = log.filter { $0.phase == phase && $0.lines >= 0 }
            #expect(reports.count > 3, "\(phase): \(reports.count) reports")
            #expect(reports.allSatisfy { $0.total == size })
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.bytes <= $1.bytes && $0.lines <= $1.lines })
            #expect(reports.last.map { $0.lines >= 2_900 && $0.bytes >= size * 9 / 10 } == true, "\(phase)")
        }
    }

    @Test func quietOrNotATerminalMeansNoBar() {
        #expect(ProgressBar.standardError(quiet: true) == nil)
        if isatty(2) == 0 { #expect(ProgressBar.standardError(quiet: false) == nil) }
    }

    /// stderr is a pipe here, not a terminal: no progress escapes reach it, only the end table.
    @Test func pipedStderrGetsNoProgress() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 2_000, to: input)
        let run = try CommandLineTests.run(["scrub", input, "--as-of", "2026-06-30", "--out", dir.file("out")])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        #expect(!run.stderr.contains("\r") && !run.stderr.contains("\u{1B}"))
        #expect(!run.stderr.contains("lines/s"))
        #expect(run.stderr.contains("lines in 2,000"))
        let quiet = try CommandLineTests.run([
            "scrub", input, "--as-of", "2026-06-30", "--out", dir.file("quiet"), "--quiet",
        ])
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }
}
