import Foundation
import Testing

@testable import ClaimScrubber

/// Configuration, column maps and table manifests read as TOML or YAML.
@Suite struct StructuredDocumentTests {
    /// A file with nothing in it (or only comments) is an empty table in either language: a
    /// configuration whose every line is commented out changes nothing, it does not stop the run.
    @Test(arguments: ["empty.yaml", "comments.yaml", "empty.toml", "comments.toml", "empty.yml"])
    func anEmptyDocumentIsAnEmptyTable(name: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let text = name.hasPrefix("comments") ? "# timely_filing_days = 90\n\n" : ""
        let path = try dir.write(name, text)
        #expect(try StructuredDocument.load(path: path) == .table([:]))
        #expect(try ExtractLayout.loadColumnMap(path: path).isEmpty)
        _ = try RuleSettings.load(path: path)
    }

    /// A configuration, column map or manifest that is not UTF-8 is refused: bytes FF FE (a UTF-16
    /// byte order mark) in a payer key were read as "ÿþ" and the run went on.
    @Test(arguments: [[0xFF, 0xFE], [0xC3, 0x28], [0xED, 0xA0, 0x80]] as [[UInt8]])
    func aFileThatIsNotUTF8IsRefused(bytes: [UInt8]) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write(
            "config.toml", Array("[payers.".utf8) + bytes + Array("]\nclass = \"medicare\"\n".utf8))
        #expect {
            _ = try RuleSettings.load(path: path)
        } throws: { error in
            (error as? ScrubError)?.message == "not valid UTF-8 text"
        }
    }

    /// A number where a word belongs (a rule id's value, a column map's target) is read as its
    /// text and then refused by whoever wanted a word; a number too large for an integer, or
    /// infinite, used to stop the process in the conversion.
    @Test(arguments: ["1e19", "-1e19", "inf", "-inf", "nan", "123456789012345678901234567890"])
    func anyNumberHasAText(number: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let toml = try dir.write("config.toml", "[rules]\nD04 = \(number)\n")
        let yaml = try dir.write(
            "config.yaml",
            "rules:\n  D04: \(number == "inf" ? ".inf" : number == "-inf" ? "-.inf" : number == "nan" ? ".nan" : number)\n"
        )
        let columns = try dir.write("columns.toml", "encounter_id = \(number)\n")
        for path in [toml, yaml] {
            #expect(throws: ScrubError.self) { _ = try RuleSettings.load(path: path) }
        }
        #expect(throws: ScrubError.self) { _ = try ExtractLayout.loadColumnMap(path: columns) }
        #expect(StructuredValue.number(1e19).string == "1e+19")
        #expect(StructuredValue.number(-Double.infinity).string == "-inf")
        #expect(StructuredValue.number(42).string == "42")
    }

    /// TOML's own values, read as they are: `inf` and `nan` (valid TOML floats), unquoted dates,
    /// nested tables and arrays.
    @Test func tomlValuesAreReadDirectly() throws {
        let text = """
            days = 30
            rate = 0.5
            big = inf
            flag = true
            effective = 2025-10-01
            names = ["a", "b"]
            [rules.D04]
            threshold_days = 5
            """
        let document = try StructuredDocument.parse(text, name: "c.toml")
        #expect(document["days"] == .number(30))
        #expect(document["rate"] == .number(0.5))
        #expect(document["big"] == .number(.infinity))
        #expect(document["flag"] == .bool(true))
        #expect(document["effective"]?.string == "2025-10-01")
        #expect(document["names"] == .list([.string("a"), .string("b")]))
        #expect(document["rules"]?["D04"]?["threshold_days"]?.int == 5)
        let nan = try StructuredDocument.parse("x = nan\n", name: "n.toml")
        #expect(nan["x"]?.string == "nan")
    }

    @Test func aYAMLListIsNotATable() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("list.yaml", "- a\n- b\n")
        #expect(throws: ScrubError.self) { try ExtractLayout.loadColumnMap(path: path) }
    }

    /// A key that is a list or a table is refused naming the file and line; Yams' own untyped
    /// loader stopped the process on it (a force-unwrap in its constructor).
    @Test(arguments: ["? [a]\n: b\n", "[a]: b\n", "{? {x: 1} : b}\n", "rules:\n  ? [D04]\n  : off\n"])
    func aYAMLKeyThatIsNotTextIsRefused(text: String) throws {
        #expect {
            _ = try StructuredDocument.parse(text, name: "c.yaml")
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == "c.yaml" && error?.line != nil && error?.message.contains("key must be text") == true
        }
    }

    /// Aliases that copy themselves ("billion laughs") are refused once they pass the value limit,
    /// not expanded into gigabytes first; a few aliases, and `<<` merges, read as YAML means them.
    @Test func yamlAliasesAreBoundedAndMergesApply() throws {
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].enumerated() {
            let previous = i == 0 ? "a" : ["b", "c", "d", "e", "f", "g"][i - 1]
            laughs +=
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect {
            _ = try StructuredDocument.parse(laughs, name: "l.yaml")
        } throws: { error in
            (error as? ScrubError)?.message.contains("more than \(YAMLReader.valueLimit) values") == true
        }
        let merged = try StructuredDocument.parse(
            "base: &base {days: 30, flag: yes}\npayer:\n  <<: *base\n  days: 90\n", name: "m.yaml")
        #expect(merged["payer"] == .table(["days": .number(90), "flag": .bool(true)]))
        #expect(merged["base"]?["days"] == .number(30))
    }

    /// A key given twice in one YAML table is refused naming it, as in TOML (which of the two
    /// would be meant?).
    @Test func aYAMLKeyGivenTwiceIsRefused() throws {
        #expect {
            _ = try StructuredDocument.parse("rules:\n  D04: off\n  D04: on\n", name: "d.yaml")
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == "d.yaml" && error?.message.contains("'D04'") == true
        }
    }

    /// YAML scalars by their resolved type: an unquoted date is its text (as in TOML), `~` is null,
    /// a quoted number stays text.
    @Test func yamlScalarsReadByTheirType() throws {
        let document = try StructuredDocument.parse(
            "effective: 2025-10-01\ndays: 30\nrate: 0.5\nflag: false\nnone: ~\nquoted: \"30\"\n", name: "s.yaml")
        #expect(document["effective"] == .string("2025-10-01"))
        #expect(document["days"] == .number(30))
        #expect(document["rate"] == .number(0.5))
        #expect(document["flag"] == .bool(false))
        #expect(document["none"] == .null)
        #expect(document["quoted"] == .string("30"))
    }

    /// A NUL byte is refused naming its line, in TOML and YAML alike: toml++ read the text as a
    /// C string, and every setting after the NUL was dropped without a word.
    @Test(arguments: ["c.toml", "c.yaml", "c.conf"])
    func aNULByteIsRefusedNamingItsLine(name: String) throws {
        let text =
            name == "c.yaml"
            ? "charge_lag_days: 0\n# \0\nrules: {D04: off}\n" : "charge_lag_days = 0\n\0\n[rules.D04]\n"
        #expect {
            _ = try StructuredDocument.parse(text, name: name)
        } throws: { error in
            let error = error as? ScrubError
            return error?.line == 2 && error?.message.contains("NUL") == true
        }
    }

    /// An escaped NUL in TOML (`"\u0000" = 1` as a key stopped the run with SIGILL inside TOMLKit)
    /// is refused naming its line, in a key or a value; an escaped backslash before `u0000` is text.
    @Test func anEscapedNULInTOMLIsRefusedNamingItsLine() throws {
        for (text, line) in [
            ("a = 1\n\"\\u0000\" = 1\n", 2), ("a = 1\n[columns]\n\"Visit\\u0000No\" = \"encounter_id\"\n", 3),
            ("a = 1\nb = \"x\\U00000000\"\n", 2), ("a = 1\nb = \"\\\\\\u0000\"\n", 2),
        ] {
            #expect(StructuredDocument.escapedNUL(in: text) != nil, "\(text)")
            #expect {
                _ = try StructuredDocument.parse(text, name: "c.toml")
            } throws: { error in
                let error = error as? ScrubError
                return error?.line == line && error?.message.contains("NUL") == true
            }
        }
        let read = try StructuredDocument.parse("a = \"\\\\u0000\"\nb = 'x\\u0001'\n", name: "c.toml")
        #expect(read == .table(["a": .string("\\u0000"), "b": .string("x\\u0001")]))
    }

    /// A YAML number with a leading zero is refused: YAML 1.1 reads 010 as octal 8, so a day count
    /// of 0365 was 245 days. Quoted, it is text; 0 and 0x1F keep their meaning.
    @Test func aYAMLNumberWithALeadingZeroIsRefused() throws {
        for number in ["010", "0365", "090", "-010", "00"] {
            #expect {
                _ = try StructuredDocument.parse("timely_filing_days: \(number)\n", name: "c.yaml")
            } throws: { error in
                let error = error as? ScrubError
                return error?.line == 1 && error?.message.contains("leading zero") == true
            }
        }
        let read = try StructuredDocument.parse("a: 0\nb: 0x1F\nc: \"010\"\nd: 10\ne: !!str 007\n", name: "c.yaml")
        #expect(
            read
                == .table([
                    "a": .number(0), "b": .number(31), "c": .string("010"), "d": .number(10), "e": .string("007"),
                ]))
    }

    /// A YAML number in base 60 is refused: YAML 1.1 reads 1:00 as 60, so `charge_lag_days: 1:00`
    /// was 60 days. Quoted, it is text.
    @Test func aYAMLNumberInBase60IsRefused() throws {
        for number in ["1:00", "1:00:00", "-2:30", "190:20:30.15"] {
            #expect {
                _ = try StructuredDocument.parse("a: 1\ncharge_lag_days: \(number)\n", name: "c.yaml")
            } throws: { error in
                let error = error as? ScrubError
                return error?.line == 2 && error?.message.contains("base 60") == true
            }
        }
        let read = try StructuredDocument.parse("a: \"1:00\"\nb: 1:0a\nc: 100\n", name: "c.yaml")
        #expect(read == .table(["a": .string("1:00"), "b": .string("1:0a"), "c": .number(100)]))
    }

    /// A YAML syntax error is one line naming the problem and where, not libyaml's text over
    /// several lines with the whole offending line quoted (40 KB for a long one).
    @Test func aYAMLSyntaxErrorIsOneShortLine() throws {
        let long = String(repeating: "x", count: 40_000)
        #expect {
            _ = try StructuredDocument.parse("rules:\n  D04: off\n - \(long): [\n", name: "c.yaml")
        } throws: { error in
            let text = (error as? ScrubError)?.description ?? ""
            return (error as? ScrubError)?.line != nil && !text.contains("\n") && !text.contains("\\x0A")
                && text.count < 400
        }
    }

    /// A folder is named as one; a pipe is read (`--config <(make-config)`).
    @Test func aFolderIsRefusedAndAPipeIsRead() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        #expect {
            _ = try StructuredDocument.load(path: dir.path)
        } throws: { error in
            (error as? ScrubError)?.message == "is a folder, not a file"
        }
        let fifo = dir.file("c.toml")
        #expect(mkfifo(fifo, 0o644) == 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(Data("charge_lag_days = 7\n".utf8))
                try? handle.close()
            }
        }
        writer.start()
        #expect(try StructuredDocument.load(path: fifo) == .table(["charge_lag_days": .number(7)]))
    }

    /// toml++ names a quoted key it meets twice from the wrong bytes (`'"ViVisit No" '`); the
    /// message quotes the line as written.
    @Test func aTOMLKeyGivenTwiceIsNamedAsWritten() throws {
        #expect {
            _ = try StructuredDocument.parse(
                "[columns]\n\"Visit No\" = \"encounter_id\"\n\"Visit No\" = \"patient_id\"\n", name: "c.toml")
        } throws: { error in
            let error = error as? ScrubError
            return error?.line == 3 && error?.message.contains("given twice: \"Visit No\" = \"patient_id\"") == true
        }
    }

    /// An error about a field names the line the field is written on, in TOML and YAML, for a
    /// configuration, a column map and a table manifest: `unknown key` named only the field.
    @Test func anErrorAboutAFieldNamesItsLine() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        func line(_ load: () throws -> Void) -> Int? {
            do {
                try load()
                Issue.record("loaded")
                return nil
            } catch {
                return (error as? ScrubError)?.line
            }
        }
        let toml = try dir.write(
            "c.toml", "# settings\ntimely_filing_days = 365\n\n[rules.D04]\nthreshold_days = 5\nbogus_key = 1\n")
        #expect(line { _ = try RuleSettings.load(path: toml) } == 6)
        let dotted = try dir.write("d.toml", "[rules]\nD04.severity = \"warning\"\nD03.bogus = 2\n")
        #expect(line { _ = try RuleSettings.load(path: dotted) } == 3)
        let inline = try dir.write("i.toml", "[rules]\nD04 = { severity = \"warning\", bogus = 1 }\n")
        #expect(line { _ = try RuleSettings.load(path: inline) } == 2)
        let unknownRule = try dir.write(
            "u.toml", "[rules.D04]\nseverity = \"warning\"\n\n[rules.Q99]\nenabled = false\n")
        #expect(line { _ = try RuleSettings.load(path: unknownRule) } == 4)
        let yaml = try dir.write(
            "c.yaml", "timely_filing_days: 365\nrules:\n  D04:\n    threshold_days: 5\n  D03:\n    bogus: 1\n")
        #expect(line { _ = try RuleSettings.load(path: yaml) } == 6)
        let columns = try dir.write("m.toml", "[columns]\n\"Visit No\" = \"encounter_id\"\nMRN = \"medical_record\"\n")
        #expect(line { _ = try ExtractLayout.loadColumnMap(path: columns) } == 3)
        let manifest = dir.file("tables/tables.toml")
        try FileManager.default.createDirectory(atPath: dir.file("tables"), withIntermediateDirectories: true)
        _ = try dir.write("tables/a.tsv", "99213\n")
        _ = try dir.write("tables/b.tsv", "99214\n")
        _ = try dir.write(
            "tables/tables.toml",
            "[[table]]\nfile = \"a.tsv\"\nkind = \"cpt\"\n\n[[table]]\nfile = \"b.tsv\"\nkind = \"cpt\"\nthrogh = \"2026-12-31\"\n"
        )
        #expect(line { _ = try TableManifest.load(directory: dir.file("tables")) } == 8, "\(manifest)")
        // A field the text does not spell as a path keeps no line rather than a wrong one.
        #expect(StructuredDocument.line(ofField: "rules.D09.x", in: "[rules]\nD04 = 1\n") == nil)
    }
}
