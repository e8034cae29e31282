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

    @Test func aYAMLListIsNotATable() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("list.yaml", "- a\n- b\n")
        #expect(throws: ScrubError.self) { try ExtractLayout.loadColumnMap(path: path) }
    }
}
