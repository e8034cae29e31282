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

    /// A number where a word belongs (a rule id's value, a column map's target) is read as its
    /// text and then refused by whoever wanted a word; a number too large for an integer, or
    /// infinite, used to stop the process in the conversion.
    @Test(arguments: ["1e19", "-1e19", "inf", "-inf", "nan", "123456789012345678901234567890"])
    func anyNumberHasAText(number: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let toml = try dir.write("config.toml", "[rules]\nD04 = \(number)\n")
        let yaml = try dir.write("config.yaml", "rules:\n  D04: \(number == "inf" ? ".inf" : number == "-inf" ? "-.inf" : number == "nan" ? ".nan" : number)\n")
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
}
