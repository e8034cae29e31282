import Foundation
import Synchronization
import Testing
import Zstd

@testable import ClaimScrubber

@Suite struct TableLoaderTests {
    /// A table file of more text than any code table is refused before it is read whole: a sparse
    /// 2 GiB file (an allocation failure stopped the run), and a small zstd stream of more zeros
    /// than the limit (it ran for minutes and gigabytes). Under the limit both read as before.
    @Test func aFileOfMoreTextThanAnyTableIsRefused() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let huge = dir.file("MCE_Simple_Code_Edits_v37.txt")
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 2 << 30) == 0)
        #expect {
            _ = try TableFile.read(huge)
        } throws: { error in
            (error as? ScrubError)?.message.contains("more than 1024 MiB") == true
                && (error as? ScrubError)?.file == "MCE_Simple_Code_Edits_v37.txt"
        }
        let zeros = [UInt8](repeating: 0, count: 3 << 20)
        let bomb = try dir.write("bomb.txt.zst", ZstdWriter.compress(zeros, level: 3))
        #expect(try Fixtures.read(bomb).count == zeros.count)
        #expect {
            _ = try TableFile.read(bomb, maxBytes: 2 << 20)
        } throws: { error in
            (error as? ScrubError)?.message.contains("more than 2 MiB") == true
        }
        #expect(try TableFile.read(bomb, maxBytes: 4 << 20) == zeros)
        let plain = try dir.write("plain.txt", "A00\tCholera\n")
        #expect(throws: ScrubError.self) { _ = try TableFile.read(plain, maxBytes: 8) }
        #expect(try TableFile.read(plain, maxBytes: 13) == Array("A00\tCholera\n".utf8))
    }

    /// A folder with no table file in it is refused by a scrub as by `tables check` (a scrub went
    /// on without a word, checking against the other folders or none), naming what it ignored.
    @Test func aFolderWithoutATableFileIsRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        for contents: [String: String] in [[:], ["MCR_MUE_PractitionerServices_Eff_04-01-2026.txt": "x"]] {
            for (name, text) in contents { try folder.write(name, text) }
            #expect {
                _ = try TableLoader.load(directories: [TestPaths.defaultTables, folder.path])
            } throws: { error in
                let error = error as? ScrubError
                return error?.file == folder.path && error?.message.hasPrefix("no table file in this folder") == true
                    && (contents.isEmpty || error?.message.contains("MCR_MUE_PractitionerServices") == true)
            }
        }
    }

    /// The 65th ICD-10-CM release (a code's releases are bits of a 64-bit word) is refused naming
    /// its file; the message named none.
    @Test func aSixtyFifthICD10CMReleaseIsRefusedNamingItsFile() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        for year in 1950..<2015 {
            try folder.write("icd10cm_order_\(year).txt", OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        }
        #expect {
            _ = try folder.load()
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == "icd10cm_order_2014.txt" && error?.message.contains("more than 64") == true
        }
        try FileManager.default.removeItem(atPath: folder.path + "/icd10cm_order_2014.txt")
        #expect(try folder.load().icd10cm.isLoaded)
    }

    @Test func theShippedTablesLoadWithTheirServedDates() throws {
        let tables = RuleHarness.shipped
        let rows = Dictionary(uniqueKeysWithValues: tables.releases.map { ($0.file, $0) })
        #expect(rows["icd10cm-fy2025.tsv.zst"]?.entries == 97_584)
        #expect(rows["icd10cm-fy2025.tsv.zst"]?.detail == "74260 billable, 23324 headers")
        #expect(rows["icd10cm-fy2026.tsv.zst"]?.entries == 98_186)
        #expect(rows["icd10cm-fy2026.tsv.zst"]?.through == "2026-09-30")
        #expect(rows["HCPC2019_CONTR_ANWEB.txt.zst"]?.effective == "2019-01-01")
        #expect(rows["HCPC2019_CONTR_ANWEB.txt.zst"]?.through == nil)
        #expect(rows["MCE_Simple_Code_Edits_v37.txt.zst"]?.effective == "2019-10-01")
        #expect(rows["place-of-service.tsv"]?.entries == 52)
        // Listed in tables.toml and officially named: read once.
        #expect(tables.releases.filter { $0.kind == "hcpcs" }.count == 1)
        #expect(tables.releases.filter { $0.kind == "mce" }.count == 1)
        #expect(tables.ignoredFiles == [])
        #expect(!tables.cptLoaded)
        #expect(tables.icd10cm.release(on: day("2026-10-01")) == nil)
    }

    @Test func aFileBothListedAndOfficiallyNamedIsReadOnceWithTheManifestsMetadata() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", OfficialLayout.mueFile(["11042,1,1 Line Edit,x"]))
        try folder.write(
            "tables.toml",
            """
            [[table]]
            file = "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
            kind = "mue"
            release = "my MUE"
            effective = "2026-03-15"
            """)
        let tables = try folder.load()
        #expect(tables.releases.count == 1)
        #expect(tables.releases[0].release == "my MUE")
        #expect(tables.releases[0].effective == "2026-03-15")
        #expect(tables.mue.limit(code: packed("11042"), on: day("2026-03-20"), setting: .practitioner) != nil)
    }

    /// A date in tables.toml that crosses the file name's leaves the table no date to serve: refused
    /// naming the file and the manifest's field (it loaded, and every charge got C06 or no edit).
    @Test(arguments: [
        ("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", "mue", "through = \"2025-01-01\"", "through"),
        ("icd10cm_order_2026.txt", "icd10cm", "effective = \"2026-10-01\"", "effective"),
    ])
    func manifestAndNameDatesThatCrossAreRefused(file: String, kind: String, date: String, field: String) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            file,
            kind == "mue"
                ? OfficialLayout.mueFile(["11042,1,1 Line Edit,x"])
                : OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        try folder.write("tables.toml", "[[table]]\nfile = \"\(file)\"\nkind = \"\(kind)\"\n\(date)\n")
        #expect {
            _ = try folder.load()
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == file && error?.field == field
                && error?.message.contains("no date of service to serve") == true
        }
    }

    /// An entry that describes an officially named file without dates leaves the file's coverage
    /// as its name gives it: the NCCI v32.1 PTP table serves from 2026-04-01, listed or not.
    @Test func anUndatedManifestEntryKeepsTheDatesOfTheOfficialName() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(["11042\t11000\t\t20250101\t*\t0\tx"]))
        let unlisted = try folder.load().releases
        try folder.write(
            "tables.toml", "[[table]]\nfile = \"ccipra-v321r0-f1.txt\"\nkind = \"ptp\"\nrelease = \"mine\"\n")
        let listed = try folder.load().releases
        #expect(unlisted.count == 1 && listed.count == 1)
        #expect(unlisted[0].effective == "2026-04-01")
        #expect(listed[0].effective == unlisted[0].effective && listed[0].through == unlisted[0].through)
        #expect(listed[0].release == "mine")
    }

    @Test func unlistedUnrecognisedFilesAreIgnoredAndReported() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("notes.txt", "hello")
        try folder.write("icd10cm_order_2026.txt", OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        let tables = try folder.load()
        #expect(tables.ignoredFiles == ["notes.txt"])
        #expect(tables.icd10cm.isLoaded)
        #expect(!TableListing.notes(tables).contains { $0.contains("zip") })
    }

    @Test func aZippedCMSDownloadIsIgnoredWithAHintToUnzipIt() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccipra-v321r0-f1.zip", [0x50, 0x4B, 0x03, 0x04])
        // Alone in its folder it leaves no table: the run stops, saying to unzip it.
        #expect {
            _ = try folder.load()
        } throws: { error in
            let message = (error as? ScrubError)?.message ?? ""
            return message.hasPrefix("no table file in this folder") && message.contains("unzip ccipra-v321r0-f1.zip")
        }
        try folder.write("icd10cm_order_2026.txt", OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        let tables = try folder.load()
        #expect(tables.ignoredFiles == ["ccipra-v321r0-f1.zip"])
        #expect(
            TableListing.notes(tables).contains {
                $0.hasPrefix("zip archives are not read: unzip ccipra-v321r0-f1.zip")
            })
    }

    /// CMS also publishes the MUE tables as Excel workbooks: one in a tables folder is named with
    /// the advice to save it as CSV (it was "not recognised"), alone or beside other tables.
    @Test func aSpreadsheetWorkbookIsIgnoredWithAHintToSaveItAsCSV() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let name = "MCR_MUE_PractitionerServices_Eff_07-01-2026.xlsx"
        try folder.write(name, [0x50, 0x4B, 0x03, 0x04])
        #expect {
            _ = try folder.load()
        } throws: { error in
            let message = (error as? ScrubError)?.message ?? ""
            return message.hasPrefix("no table file in this folder")
                && message.contains("spreadsheet workbooks are not read: save \(name) as CSV")
        }
        try folder.write("icd10cm_order_2026.txt", OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        let tables = try folder.load()
        #expect(tables.ignoredFiles == [name])
        #expect(
            TableListing.notes(tables).contains { $0.hasPrefix("spreadsheet workbooks are not read: save \(name)") })
        #expect(!TableListing.notes(tables).contains { $0.contains("zip") })
    }

    @Test func foldersAddUpAndALaterReleaseOfTheSameDateServes() throws {
        let first = try TableFolder()
        let second = try TableFolder()
        defer {
            first.remove()
            second.remove()
        }
        try first.write("icd10cm_order_2026.txt", OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        try second.write("icd10cm_order_2026.txt", OfficialLayout.orderLine(1, "A000", billable: false, "x"))
        let tables = try TableLoader.load(directories: [first.path, second.path])
        #expect(tables.icd10cm.status(packed("A000"), on: day("2026-01-01")) == .header)
    }

    @Test func manifestMistakesNameTheKey() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("a.tsv", "code\tname\n11\tOffice\n")
        // Mistakes in the manifest's own entries name the manifest by its path, the line and the key.
        let manifest = folder.path + "/tables.toml"
        try folder.write("tables.toml", "[[table]]\nfile = \"a.tsv\"\nkind = \"zipcodes\"\n")
        expectTableError(file: manifest, line: 3, field: "table[0].kind") { _ = try folder.load() }
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"a.tsv\"\nkind = \"cpt\"\n\n[[table]]\nfile = \"missing.tsv\"\nkind = \"cpt\"\n")
        let missing = expectTableError(file: manifest, line: 6, field: "table[1].file") { _ = try folder.load() }
        #expect(missing?.message.contains("'missing.tsv' is listed but not in the folder") == true)
        try folder.write(
            "tables.toml", "[[table]]\nfile = \"a.tsv\"\nkind = \"cpt\"\n[[table]]\nfile = \"a.tsv\"\nkind = \"cpt\"\n")
        expectTableError(file: manifest, line: 5, field: "table[1].file") { _ = try folder.load() }
        try folder.write("tables.toml", "[[table]]\nfile = \"a.tsv\"\nkind = \"mue\"\n")
        expectTableError(file: manifest, line: 3, field: "table[0].kind") { _ = try folder.load() }
        try folder.write("tables.toml", "[[table]]\nfile = \"a.tsv\"\nkind = \"mue\"\nsetting = \"hospice\"\n")
        expectTableError(file: manifest, line: 4, field: "table[0].setting") { _ = try folder.load() }
        // A missing key is written nowhere: the line of the entry that lacks it.
        try folder.write(
            "tables.toml", "[[table]]\nfile = \"a.tsv\"\nkind = \"cpt\"\n\n# next\n[[table]]\nfile = \"b.tsv\"\n")
        expectTableError(file: manifest, line: 6, field: "table[1].kind") { _ = try folder.load() }
        try folder.write("ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(["11042\t11000\t\t20250101\t*\t1\tx"]))
        try folder.write("tables.toml", "[[table]]\nfile = \"ccipra-v321r0-f1.txt\"\nkind = \"mue\"\n")
        expectTableError(file: "ccipra-v321r0-f1.txt", line: nil, field: "kind") { _ = try folder.load() }
        try folder.write("tables.toml", "[[table]]\nfile = \"HCPCS.txt\"\nkind = \"hcpcs\"\n")
        try folder.write("HCPCS.txt", OfficialLayout.hcpcsRecord(code: "A0001"))
        expectTableError(file: "HCPCS.txt", line: nil, field: "effective") { _ = try folder.load() }
    }

    /// A manifest entry that could serve no date, or names a folder, is a mistake to report, not
    /// a table to leave out without a word (its rules would silently never run).
    @Test func manifestEntriesThatCouldServeNothingAreRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("a.txt", "99213\n")
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"a.txt\"\nkind = \"cpt\"\neffective = \"2025-01-01\"\nthrough = \"2024-01-01\"\n")
        let error = expectTableError(file: folder.path + "/tables.toml", line: 5, field: "table[0].through") {
            _ = try folder.load()
        }
        #expect(error?.message.contains("before 'effective'") == true)
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"a.txt\"\nkind = \"cpt\"\neffective = \"2025-01-01\"\nthrough = \"2025-01-01\"\n")
        #expect(try folder.load().cpt.isLoaded)
        for listed in [".", "sub"] {
            try FileManager.default.createDirectory(atPath: folder.path + "/sub", withIntermediateDirectories: true)
            try folder.write("tables.toml", "[[table]]\nfile = \"\(listed)\"\nkind = \"addon\"\n")
            expectTableError(file: folder.path + "/tables.toml", line: 2, field: "table[0].file") {
                _ = try folder.load()
            }
        }
    }

    /// Two releases of one setting in one folder taking effect the same day (a file saved twice
    /// under two spellings of its name): which would serve depends on the names, so the folder is
    /// refused. Different days, or the same day in a later folder, are how releases are meant to
    /// follow one another.
    @Test func twoReleasesTakingEffectTheSameDayInOneFolderAreRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let rows = ["11000,1,2 Date of Service Edit: Policy,CMS Policy"]
        try folder.write("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", OfficialLayout.mueFile(rows))
        try folder.write("mcr-mue-practitionerservices-eff-01-01-2026.csv", OfficialLayout.mueFile(rows))
        #expect(try folder.load().mue.releases.count == 2)
        try folder.write("mcr-mue-practitionerservices-eff-04-01-2026.csv", OfficialLayout.mueFile(rows))
        let error = expectTableError(
            file: "mcr-mue-practitionerservices-eff-04-01-2026.csv", line: nil, field: "effective"
        ) {
            _ = try folder.load()
        }
        #expect(error?.message.contains("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv") == true)
        #expect(error?.message.contains("2026-04-01") == true)
    }

    @Test func aCorruptCompressedFileStopsTheRun() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("icd10cm_order_2026.txt.zst", [0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3])
        expectTableError(file: "icd10cm_order_2026.txt.zst", line: nil, field: nil) { _ = try folder.load() }
    }

    /// Files are read two at a time, but the error that stops the load is the one a reading in
    /// name order meets first, every time: a broken file before another broken one, and before a
    /// file whose official-looking name breaks its pattern.
    @Test func ofSeveralBrokenFilesTheFirstByNameIsReported() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let corrupt: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3]
        try folder.write("icd10cm_order_2026.txt.zst", corrupt)
        try folder.write("icd10cm_order_2025.txt.zst", corrupt)
        try folder.write("HCPC2026_JAN_ANWEB.txt", Array("not a HCPCS record\n".utf8))
        for _ in 0..<5 {
            expectTableError(file: "HCPC2026_JAN_ANWEB.txt", line: nil, field: nil) { _ = try folder.load() }
        }
        try FileManager.default.removeItem(atPath: folder.path + "/HCPC2026_JAN_ANWEB.txt")
        for _ in 0..<5 {
            expectTableError(file: "icd10cm_order_2025.txt.zst", line: nil, field: nil) { _ = try folder.load() }
        }
        // A misnamed file after the broken one by name does not jump ahead of it.
        try folder.write("icd10cm_order_2026.txt.zst", corrupt)
        try folder.write("place-of-service.tsv", Array("code\tname\n11\tOffice\n".utf8))
        try folder.write("MCR_MUE_PractitionerServices_Eff_02-30-2026.csv", Array("x\n".utf8))
        try folder.write("HCPC2026_JAN_ANWEB.txt", Array("not a HCPCS record\n".utf8))
        expectTableError(file: "HCPC2026_JAN_ANWEB.txt", line: nil, field: nil) { _ = try folder.load() }
    }

    /// Files that may hold more than `smallFileText` of text are read one at a time, after the
    /// others: the tables are the same either way.
    @Test func largeFilesReadOnTheirOwnGiveTheSameTables() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try RuleFixtures.write(to: folder)
        let names = [
            "HCPC2019_CONTR_ANWEB.txt", "MCE_Simple_Code_Edits_v41.txt", "icd10cm_order_2025.txt",
            "icd10cm_order_2026.txt",
        ]
        let files = try names.map { name in
            let official = try TableFileName.recognise(name)
            return (
                path: folder.path + "/" + name,
                metadata: try #require(
                    try TableLoader.metadata(name: name, entry: nil, official: official))
            )
        }
        func entries(_ results: [Result<TableSetBuilder.Parsed, any Error>]) throws -> [Int] {
            var builder = TableSetBuilder()
            for (file, result) in zip(files, results) { try builder.add(try result.get(), file.metadata) }
            return builder.listing.map(\.release.entries)
        }
        let together = try entries(TableSetBuilder.parse(files))
        #expect(together == [7, 7, 9, 20])  // HCPCS: seven codes; MCE: seven codes, O0900 on two lists
        #expect(try entries(TableSetBuilder.parse(files, smallFileText: 0)) == together)
        #expect(try entries(TableSetBuilder.parse(files, smallFileText: 1_000)) == together)
    }

    /// The text a file may hold: its size, eight times that when it is compressed.
    @Test func aFilesTextIsEstimatedFromItsSize() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let plain = try folder.write("plain.tsv", Array(repeating: UInt8(ascii: "a"), count: 1000))
        let packed = try folder.write(
            "packed.tsv.zst", Array(repeating: UInt8(ascii: "a"), count: 1000), compressed: true)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: packed)[.size] as? Int)
        #expect(TableFile.textEstimate(plain) == 1000)
        #expect(TableFile.textEstimate(packed) == 8 * size)
        #expect(TableFile.textEstimate(folder.path + "/missing.tsv") == 0)
        #expect(TableFile.textEstimate(folder.path) == 0)
    }

    /// A FIFO named like a table is refused, not waited on for a writer that never comes.
    @Test func aFIFOInTheFolderIsRefusedNotWaitedOn() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        #expect(mkfifo(folder.path + "/ccipra-v321r0-f3.txt", 0o600) == 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<CodeTables, Error>?>(nil)
        let path = folder.path
        Thread.detachNewThread {
            outcome.withLock { $0 = Result { try TableLoader.load(directories: [path]) } }
            done.signal()
        }
        guard done.wait(timeout: .now() + 20) == .success else {
            Issue.record("loading a folder with a FIFO did not return")
            return
        }
        let error = outcome.withLock { result -> ScrubError? in
            if case .failure(let e) = result { return e as? ScrubError }
            return nil
        }
        #expect(error?.file == "ccipra-v321r0-f3.txt")
    }

    /// An official-looking name that breaks its pattern stops the load naming the file; listed in
    /// tables.toml, the manifest says what it is and the name does not matter.
    @Test func aNearMissOfAnOfficialNameIsRefusedUnlessListed() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let name = "MCR_MUE_PractitionerServices_Eff_02-30-2026.csv"
        try folder.write(name, OfficialLayout.mueFile(["11000,1,2 Date of Service Edit: Policy,CMS Policy"]))
        let error = expectTableError(file: name, line: nil, field: nil) { _ = try folder.load() }
        #expect(error?.message.contains("looks official") == true)
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"\(name)\"\nkind = \"mue\"\nsetting = \"practitioner\"\neffective = \"2026-03-01\"\n")
        #expect(try folder.load().mue.isLoaded(.practitioner))
    }

    /// A manifest value that is a table (`source = { … }`) and a date not written YYYY-MM-DD are
    /// refused naming the key: the first read as absent, the second month-first. (A number reads
    /// as its text: `release = 5` names release "5".)
    @Test func manifestValuesOfAnotherTypeOrDateSpellingAreRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("cpt.txt", "99213\n")
        let manifest = folder.path + "/tables.toml"
        for (line, field) in [
            ("source = { a = 1 }", "source"), ("effective = 20260101", "effective"),
            ("effective = \"1/2/2026\"", "effective"), ("through = \"2026-3-31\"", "through"),
        ] {
            try folder.write("tables.toml", "[[table]]\nfile = \"cpt.txt\"\nkind = \"cpt\"\n\(line)\n")
            expectTableError(file: manifest, line: 4, field: "table[0].\(field)") { _ = try folder.load() }
        }
        // A TOML date, unquoted, is a date.
        try folder.write("tables.toml", "[[table]]\nfile = \"cpt.txt\"\nkind = \"cpt\"\neffective = 2026-01-01\n")
        #expect(try folder.load().releases.first?.effective == "2026-01-01")
    }

    /// A misspelt manifest key (`throgh`, `[[tables]]`) is refused naming it: it dropped a date or
    /// a whole entry without a word.
    @Test func anUnknownManifestKeyIsRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("cpt.txt", "99213\n")
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"cpt.txt\"\nkind = \"cpt\"\neffective = \"2026-01-01\"\nthrogh = \"2026-03-31\"\n")
        expectTableError(file: folder.path + "/tables.toml", line: 5, field: "table[0].throgh") {
            _ = try folder.load()
        }
        try folder.write("tables.toml", "[[tables]]\nfile = \"cpt.txt\"\nkind = \"cpt\"\n")
        expectTableError(file: folder.path + "/tables.toml", line: 1, field: "tables") { _ = try folder.load() }
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"cpt.txt\"\nkind = \"cpt\"\neffective = \"2026-01-01\"\nthrough = \"2026-03-31\"\n")
        #expect(try folder.load().cpt.isLoaded)
    }

    /// A place-of-service line with a third cell of text is two lines run together (a lost line
    /// end): the second code would be lost, and charges with it held by C08.
    @Test func aPlaceOfServiceLineWithTwoCodesIsRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("tables.toml", "[[table]]\nfile = \"pos.tsv\"\nkind = \"place-of-service\"\n")
        try folder.write(
            "pos.tsv", "code\tname\n11\tOffice\n22\tOn Campus-Outpatient Hospital23\tEmergency Room - Hospital\n")
        expectTableError(file: "pos.tsv", line: 3, field: "(extra column)") { _ = try folder.load() }
        // Empty cells past the name are no second line.
        try folder.write("pos.tsv", "code\tname\n11\tOffice\t\t\n")
        #expect(try folder.load().releases.first { $0.kind == "place-of-service" }?.entries == 1)
    }

    /// A UTF-8 byte order mark before a table's first line ("UTF-8 with BOM") is read past: the
    /// tables are those of the same files without it, fixed-width and delimited, plain and zstd.
    @Test func aByteOrderMarkBeforeATablesFirstLineIsReadPast() throws {
        let plain = try TableFolder()
        let marked = try TableFolder()
        defer {
            plain.remove()
            marked.remove()
        }
        let order =
            OfficialLayout.orderLine(1, "A00", billable: false, "Cholera") + "\n"
            + OfficialLayout.orderLine(2, "A000", billable: true, "x")
        let mue = OfficialLayout.mueFile(["11042,1,1 Line Edit,x"])
        let pos = "code\tname\n11\tOffice\n"
        let manifest = "[[table]]\nfile = \"pos.tsv\"\nkind = \"place-of-service\"\n"
        for (folder, bom) in [(plain, ""), (marked, "\u{FEFF}")] {
            try folder.write("icd10cm_order_2026.txt", bom + order)
            try folder.write("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", bom + mue, compressed: true)
            try folder.write("pos.tsv", bom + pos)
            try folder.write("tables.toml", manifest)
        }
        #expect(
            try Array(Data(contentsOf: URL(fileURLWithPath: marked.path + "/pos.tsv")).prefix(3)) == [0xEF, 0xBB, 0xBF])
        let a = try plain.load()
        let b = try marked.load()
        #expect(b.releases.map(\.entries) == a.releases.map(\.entries))
        #expect(
            b.mue.limit(code: packed("11042"), on: day("2026-04-01"), setting: .practitioner) == .init(value: 1, mai: 1)
        )
        #expect(b.placeOfService.contains(11))
    }

    /// A manifest setting at odds with the setting an official file name says is refused, as a
    /// kind at odds is: it used to win, and every edit of the named setting was gone.
    @Test func aManifestSettingAgainstTheOfficialNameIsRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", OfficialLayout.mueFile(["11042,1,1 Line Edit,x"]))
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"MCR_MUE_PractitionerServices_Eff_04-01-2026.csv\"\nkind = \"mue\"\nsetting = \"dme\"\n"
        )
        expectTableError(file: "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", line: nil, field: "setting") {
            _ = try folder.load()
        }
        // Saying the same setting again is no contradiction.
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"MCR_MUE_PractitionerServices_Eff_04-01-2026.csv\"\nkind = \"mue\"\nsetting = \"practitioner\"\n"
        )
        #expect(
            try folder.load().mue.limit(code: packed("11042"), on: day("2026-04-01"), setting: .practitioner) != nil)
    }

    /// The parts of one PTP release are one table. A manifest giving one part other dates used to
    /// file it under the first part's, listed as its own: refused now.
    @Test func partsOfOnePTPReleaseWithDifferentDatesAreRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(["11042\t11000\t*\t19960101\t*\t1\tx"]))
        try folder.write("ccipra-v321r0-f2.txt", OfficialLayout.ptpFile(["93000\t93005\t\t20250101\t*\t0\tx"]))
        try folder.write(
            "tables.toml", "[[table]]\nfile = \"ccipra-v321r0-f1.txt\"\nkind = \"ptp\"\neffective = \"2026-01-01\"\n")
        let error = expectTableError(file: "ccipra-v321r0-f2.txt", line: nil, field: "effective") {
            _ = try folder.load()
        }
        #expect(error?.message.contains("2026-01-01") == true, "\(String(describing: error))")
    }
}
