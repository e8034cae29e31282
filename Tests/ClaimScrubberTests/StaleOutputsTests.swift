import Foundation
import Testing

@testable import ClaimScrubber

#if canImport(Glibc)
    import Glibc
#endif

/// An earlier run's outputs leave their names at once and are gone by the end of the run.
@Suite struct StaleOutputsTests {
    @Test func outputsLeaveTheirNamesAtOnceAndAreGoneOnceWaitedFor() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let clean = try dir.write("clean.csv", Array(repeating: UInt8(ascii: "x"), count: 1 << 20))
        let summary = try dir.write("summary.json", "{}")
        let stale = StaleOutputs()
        try stale.remove([clean, summary, dir.file("held.csv")])
        // The final names are free as soon as `remove` returns, whatever the background thread did.
        #expect(!FileManager.default.fileExists(atPath: clean))
        #expect(!FileManager.default.fileExists(atPath: summary))
        stale.waitUntilRemoved()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        // The hidden name the sweep of abandoned temporaries knows (`TemporaryFilesTests`).
        #expect(StaleOutputs.hiddenPath(clean) == dir.file(".clean.csv.stale-\(getpid())"))
    }

    /// A link under an output's name goes (not its target); a folder under one stays, as unlink
    /// left it before.
    @Test func aLinkIsRemovedWithoutItsTargetAndAFolderIsLeft() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let target = try dir.write("mine.csv", "keep me\n")
        let link = dir.file("clean.csv")
        #expect(symlink(target, link) == 0)
        let folder = dir.file("held.csv")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let stale = StaleOutputs()
        try stale.remove([link, folder])
        stale.waitUntilRemoved()
        var info = stat()
        #expect(lstat(link, &info) != 0)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["held.csv", "mine.csv"])
    }

    /// The command's way: a re-run into the same folder replaces every output and leaves no hidden
    /// file behind.
    @Test func aRerunLeavesOnlyItsOwnOutputs() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "x.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-06-01,99213\n")
        var options = ScrubOptions(inputs: [input], asOf: DayNumber.parse("2026-06-30"))
        options.outputDirectory = dir.file("out")
        options.failOn = .never
        for _ in 0..<2 {
            _ = try ScrubPipeline(options: options, tables: CodeTables()).run()
            let names = try FileManager.default.contentsOfDirectory(atPath: options.outputDirectory).sorted()
            #expect(names == ["clean.csv", "findings.csv", "held.csv", "report.html", "summary.json"])
        }
    }
}
