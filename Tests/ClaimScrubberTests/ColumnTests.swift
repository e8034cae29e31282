import Testing

@testable import ClaimScrubber

@Suite struct ColumnTests {
    @Test func indexIsThePositionInAllCases() {
        for (i, column) in Column.allCases.enumerated() { #expect(column.index == i) }
    }
}

/// A column map that sends two header fields to one column is refused naming both (which one
/// would hold the codes?); aliases met twice still keep the first, as the header gives them.
@Suite struct ColumnMapTests {
    static let header = Array("Visit No,Encounter,patient_id,service_date,procedure_code\n".utf8)

    @Test func twoFieldsMappedToOneColumnAreRefused() throws {
        #expect {
            _ = try ExtractLayout(
                header: Self.header, columnMap: ["Visit No": .encounterId, "Encounter": .encounterId], file: "x.csv")
        } throws: { error in
            let error = error as? ScrubError
            return error?.field == "encounter_id" && error?.message.contains("'Visit No' and 'Encounter'") == true
                && error?.file == "x.csv" && error?.line == 1
        }
        let one = try ExtractLayout(header: Self.header, columnMap: ["Visit No": .encounterId], file: "x.csv")
        #expect(one.columns[0] == .encounterId)
    }

    @Test func aliasesOfOneColumnKeepTheFirst() throws {
        let layout = try ExtractLayout(header: Array("encounter_id,visit_number,patient_id,service_date,cpt\n".utf8), file: "x.csv")
        #expect(layout.columns[0] == .encounterId)
        #expect(layout.columns[1] == nil)
    }
}
