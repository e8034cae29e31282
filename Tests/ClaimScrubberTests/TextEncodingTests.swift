import Foundation
import Synchronization
import Testing

@testable import ClaimScrubber

/// `--encoding windows-1252`: an extract exported in the Windows code page is read, not held with
/// S01 line by line; its text reaches the findings and the summary as UTF-8, and its lines reach
/// the outputs as they came.
@Suite struct TextEncodingTests {
    /// Every byte against Foundation's own Windows-1252 decoder (the five bytes the code page leaves
    /// unassigned aside: they read as the C1 controls of their value, as WHATWG's table has them).
    @Test func everyByteConvertsAsTheCodePageHasIt() throws {
        let unassigned: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        for byte in UInt8(0)...UInt8(255) {
            let converted = Windows1252.utf8([byte])
            #expect(String(validating: converted, as: UTF8.self) != nil, "byte \(byte)")
            if unassigned.contains(byte) {
                #expect(String(decoding: converted, as: UTF8.self).unicodeScalars.map(\.value) == [UInt32(byte)])
            } else {
                let expected = try #require(String(data: Data([byte]), encoding: .windowsCP1252), "byte \(byte)")
                #expect(String(decoding: converted, as: UTF8.self) == expected, "byte \(byte)")
            }
        }
        #expect(TextEncoding(name: "CP1252") == .windows1252 && TextEncoding(name: "UTF8") == .utf8)
        #expect(TextEncoding(name: "latin1") == .windows1252 && TextEncoding(name: "ebcdic") == nil)
    }

    static let header = Array(
        "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,department,Notas\n"
            .utf8)

    /// Lines in Windows-1252: `Pediatría` (0xED), a quoted department with `’` (0x92) and a line
    /// break, a line id `LÑ3` (0xD1) with a bad NPI (C09, pass 1's row), and its exact duplicate
    /// (E01, pass 2's row); a header name `Año` (0xF1).
    static func extract() -> [UInt8] {
        var header = header
        header.removeLast(6)
        header += Array("A".utf8) + [0xF1] + Array("o\n".utf8)
        var lines: [[UInt8]] = []
        lines.append(Array("L1,E1,P1,2026-05-01,99213,1,90.00,1234567893,Pediatr".utf8) + [0xED] + Array("a,\n".utf8))
        lines.append(
            Array("L2,E2,P2,2026-05-01,99214,1,120.00,1234567893,\"Women".utf8) + [0x92]
                + Array("s\nHealth\",x\n".utf8))
        let third = Array("L".utf8) + [0xD1] + Array("3,E3,P3,2026-05-01,99213,1,90.00,1234567890,Peds,\n".utf8)
        lines.append(third)
        lines.append(third)
        return header + lines.joined()
    }

    func scrub(_ bytes: [UInt8], encoding: TextEncoding, chunkSize: Int? = nil) throws -> (
        ScrubPipeline.Result, TemporaryFolder, [[String: String]]
    ) {
        let folder = try TemporaryFolder()
        do {
            let input = folder.file("extract.csv")
            try Data(bytes).write(to: URL(fileURLWithPath: input))
            let result = try Fixtures.scrub([input], out: folder.file("o")) {
                $0.encoding = encoding
                if let chunkSize { $0.chunkSize = chunkSize }
            }
            return (result, folder, try Fixtures.findings(folder.file("o")))
        } catch {
            folder.remove()  // the caller only gets the folder to remove on success
            throw error
        }
    }

    @Test func aWindows1252ExtractIsReadAndItsLinesKeptAsTheyCame() throws {
        let bytes = Self.extract()
        let (result, folder, findings) = try scrub(bytes, encoding: .windows1252)
        defer { folder.remove() }
        #expect(!findings.contains { $0["rule"] == "S01" }, "\(findings)")
        let c09 = try #require(findings.first { $0["rule"] == "C09" })
        #expect(c09["line_id"] == "LÑ3" && c09["line_number"] == "5", "\(c09)")
        let e01 = try #require(findings.first { $0["rule"] == "E01" })
        #expect(e01["line_id"] == "LÑ3" && e01["line_number"] == "6", "\(e01)")
        // Clean and held together are the input's lines, byte for byte.
        let clean = try Fixtures.read(folder.file("o/clean.csv"))
        let held = try Fixtures.read(folder.file("o/held.csv"))
        let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
        #expect(Array(clean.prefix(headerEnd)) == Array(bytes.prefix(headerEnd)))
        #expect(Fixtures.records(clean) + Fixtures.records(held) == Fixtures.records(bytes))
        #expect(Fixtures.records(clean).count == 2)
        let departments = result.summary.metrics.departments.keys.sorted()
        #expect(departments.contains("Pediatría") && departments.contains("Women’s\nHealth"), "\(departments)")
        // The summary says how the text was read.
        let summary = try JSONSerialization.jsonObject(with: Data(Fixtures.read(folder.file("o/summary.json"))))
        let run = try #require((summary as? [String: Any])?["run"] as? [String: Any])
        #expect(run["encoding"] as? String == "windows-1252")
    }

    /// Read as UTF-8 (the default) the same file is refused at its header, and with an ASCII header
    /// its lines are held with S01 naming the field.
    @Test func theSameFileReadAsUTF8IsRefusedOrHeld() throws {
        #expect {
            _ = try scrub(Self.extract(), encoding: .utf8)
        } throws: { error in
            (error as? ScrubError)?.message.contains("--encoding windows-1252") == true
        }
        var bytes = Self.extract()
        let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
        bytes.replaceSubrange(0..<headerEnd, with: Self.header)
        let (result, folder, findings) = try scrub(bytes, encoding: .utf8)
        defer { folder.remove() }
        #expect(result.summary.run.encoding == "utf-8")
        let s01 = findings.filter { $0["rule"] == "S01" }.map { "\($0["line_number"]!) \($0["field"]!)" }
        #expect(s01 == ["2 department", "3 department", "5 line_id", "6 line_id"], "\(findings)")
    }

    /// Lines held for bytes that are not UTF-8 are counted in one warning naming the option (no
    /// line's text in it); a run that reads them, or has none, warns of nothing.
    @Test(arguments: [(TextEncoding.utf8, true), (.windows1252, false)])
    func heldNonUTF8LinesNameTheOptionOnce(encoding: TextEncoding, warns: Bool) throws {
        var bytes = Self.extract()
        let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
        bytes.replaceSubrange(0..<headerEnd, with: Self.header)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = folder.file("extract.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        var options = ScrubOptions(inputs: [input], asOf: Fixtures.asOf)
        options.outputDirectory = folder.file("o")
        options.encoding = encoding
        let warnings = Mutex<[String]>([])
        let pipeline = ScrubPipeline(options: options, tables: Fixtures.tablesCache)
        pipeline.warning = { message in warnings.withLock { $0.append(message) } }
        _ = try pipeline.run()
        let said = warnings.withLock { $0 }
        #expect(
            said
                == (warns
                    ? [
                        "4 lines were held (S01) for bytes that are not UTF-8: an extract exported in the Windows code "
                            + "page is read with --encoding windows-1252"
                    ] : []))
    }

    /// A file that starts with a UTF-8 byte order mark is UTF-8: read as Windows-1252 its mark
    /// would join the first column's name (`ï»¿line_id`), and that column would go unread.
    @Test func aByteOrderMarkRefusesWindows1252() throws {
        let bytes =
            [0xEF, 0xBB, 0xBF] + Self.header + Array("L1,E1,P1,2026-05-01,99213,1,90.00,1234567893,Peds,\n".utf8)
        #expect {
            _ = try scrub(bytes, encoding: .windows1252)
        } throws: { error in
            let message = (error as? ScrubError)?.message ?? ""
            return message.contains("byte order mark") && message.contains("--encoding windows-1252")
        }
        let (result, folder, _) = try scrub(bytes, encoding: .utf8)
        defer { folder.remove() }
        #expect(result.exitStatus == 0)
    }

    /// Pass 2 checks its cut of the original bytes against pass 1's cut of the converted text: with
    /// chunks of a few records each the outputs are the same as with one chunk.
    @Test func smallChunksGiveTheSameOutputs() throws {
        var bytes = Self.extract()
        for k in 0..<200 {
            bytes +=
                Array("M\(k),F\(k),Q\(k),2026-05-01,99213,1,90.00,1234567893,\"Cl".utf8) + [0xED]
                + Array("nica\nNorte\",".utf8) + [0xE9] + Array("\n".utf8)
        }
        var outputs: [[[UInt8]]] = []
        for chunk in [nil, 1 << 10] as [Int?] {
            let (_, folder, _) = try scrub(bytes, encoding: .windows1252, chunkSize: chunk)
            defer { folder.remove() }
            outputs.append(
                try ["clean.csv", "held.csv", "findings.csv"].map { try Fixtures.read(folder.file("o/\($0)")) })
        }
        #expect(outputs[0] == outputs[1])
        #expect(Fixtures.records(outputs[0][0]).count == 202)
    }
}
