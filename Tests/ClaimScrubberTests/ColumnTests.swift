import Testing

@testable import ClaimScrubber

@Suite struct ColumnTests {
    @Test func indexIsThePositionInAllCases() {
        for (i, column) in Column.allCases.enumerated() { #expect(column.index == i) }
    }
}

/// A column map that sends two header fields to one column is refused naming both (which one
/// would hold the codes?); so does a header with two aliases of one column, where the column's own
/// name does not settle it.
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
        // The message names the map it comes from, when the run says which file that was.
        #expect {
            _ = try ExtractLayout(
                header: Self.header, columnMap: ["Visit No": .encounterId, "Encounter": .encounterId], file: "x.csv",
                columnMapName: "--columns map.yaml")
        } throws: { error in
            (error as? ScrubError)?.message.hasPrefix("--columns map.yaml maps two header fields") == true
        }
    }

    @Test(arguments: [
        "encounter_id,visit_number,patient_id,service_date,cpt\n",
        "visit_number,encounter_id,patient_id,service_date,cpt\n",
    ])
    func theColumnsOwnNameWinsOverAnAlias(header: String) throws {
        let layout = try ExtractLayout(header: Array(header.utf8), file: "x.csv")
        let names = layout.headerNames
        #expect(layout.columns[try #require(names.firstIndex(of: "encounter_id"))] == .encounterId)
        #expect(layout.columns[try #require(names.firstIndex(of: "visit_number"))] == nil)
    }

    /// A lone `ICD10` or `ICD-10` column is the diagnosis (it was read as dx10, so a manifestation
    /// code in it was no primary diagnosis, and M03 passed it). Beside another diagnosis field it
    /// is what it was: `ICD10` the tenth of a series (`ICD01` … too), `ICD10 Code` or `Diagnosis
    /// Code` nothing, so headers that ran before still run. Secondary and tertiary diagnoses,
    /// zero-padded numbers and spelled-out modifier numbers are read too.
    @Test(
        arguments: [
            ("Encounter,MRN,DOS,CPT,ICD-10\n", ["ICD-10": Column.dx1]),
            ("Encounter,MRN,DOS,CPT,ICD10 Code\n", ["ICD10 Code": .dx1]),
            ("Encounter,MRN,DOS,CPT,Diagnosis Code\n", ["Diagnosis Code": .dx1]),
            ("Encounter,MRN,DOS,CPT,ICD9,ICD10\n", ["ICD9": .dx9, "ICD10": .dx10]),
            ("Encounter,MRN,DOS,CPT,Dx,ICD10\n", ["Dx": .dx1, "ICD10": .dx10]),
            ("Encounter,MRN,DOS,CPT,Diagnosis,ICD10 Code\n", ["Diagnosis": .dx1, "ICD10 Code": nil]),
            ("Encounter,MRN,DOS,CPT,Diagnosis,Diagnosis Code\n", ["Diagnosis": .dx1, "Diagnosis Code": nil]),
            ("Encounter,MRN,DOS,CPT,ICD,ICD Code\n", ["ICD": nil, "ICD Code": nil]),
            ("Encounter,MRN,DOS,CPT,ICD01,ICD02,ICD10\n", ["ICD01": .dx1, "ICD02": .dx2, "ICD10": .dx10]),
            (
                "Encounter,MRN,DOS,CPT,ICD1,ICD2,ICD3,ICD4,ICD5,ICD6,ICD7,ICD8,ICD9,ICD10,ICD11,ICD12\n",
                ["ICD1": .dx1, "ICD9": .dx9, "ICD10": .dx10, "ICD12": .dx12]
            ),
            (
                "Encounter,MRN,DOS,CPT,DX1,DX2,DX3,DX4,DX5,DX6,DX7,DX8,DX9,ICD10\n",
                ["DX1": .dx1, "ICD10": .dx10]
            ),
            (
                "Encounter,MRN,DOS,CPT,Primary Diagnosis,Secondary Diagnosis,Tertiary Dx\n",
                ["Primary Diagnosis": .dx1, "Secondary Diagnosis": .dx2, "Tertiary Dx": .dx3]
            ),
            (
                "Encounter,MRN,DOS,CPT,MODIFIER_ONE,MODIFIER_TWO\n",
                ["MODIFIER_ONE": .modifier1, "MODIFIER_TWO": .modifier2]
            ),
        ] as [(String, [String: Column?])])
    func diagnosisAndModifierNamesReadAsTheirColumns(header: String, expected: [String: Column?]) throws {
        let layout = try ExtractLayout(header: Array(header.utf8), file: "x.csv")
        for (name, column) in expected {
            let k = try #require(layout.headerNames.firstIndex(of: name))
            #expect(layout.columns[k] == column, "\(name)")
        }
    }

    /// End to end: a manifestation code alone under `ICD-10` gets M03 on dx1, and a header code
    /// under `Secondary Diagnosis` gets C05 on dx2 (both runs passed the gate with no finding).
    @Test func aLoneICD10ColumnAndASecondaryDiagnosisAreChecked() throws {
        let manifestation = try Fixtures.findings(
            header: "Encounter,MRN,DOS,CPT,Amount,ICD-10\n", rows: ["E1,M1,2026-05-04,99213,100.00,D63.1"])
        #expect(manifestation.contains { $0["rule"] == "M03" && $0["field"] == "dx1" }, "\(manifestation)")
        let secondary = try Fixtures.findings(
            header: "Encounter,MRN,DOS,CPT,Amount,Primary Diagnosis,Secondary Diagnosis\n",
            rows: ["E1,M1,2026-05-04,99213,100.00,I10,R51"])
        #expect(secondary.contains { $0["rule"] == "C05" && $0["field"] == "dx2" }, "\(secondary)")
    }

    /// Two aliases of one column: "Patient" may hold the name beside "MRN", "Procedure" a
    /// description beside "CPT Code". The first used to win without a word (two patients of one
    /// name became one, a false E01); now the run stops naming both by position. Not by their text:
    /// the first line of a file without a header is a record, whose surname `Har` and `Account`
    /// both read as aliases of encounter_id.
    @Test(arguments: [
        ("encounter_id,Patient,MRN,service_date,cpt\n", "patient_id", "(fields 2 and 3)"),
        ("encounter_id,patient_id,service_date,Procedure,CPT Code\n", "procedure_code", "(fields 4 and 5)"),
        ("ZZPID1,Har,Account,2026-05-01,99213\n", "encounter_id", "(fields 2 and 3)"),
    ])
    func twoAliasesOfOneColumnAreRefused(header: String, field: String, names: String) throws {
        #expect {
            _ = try ExtractLayout(header: Array(header.utf8), file: "x.csv")
        } throws: { error in
            let error = error as? ScrubError
            return error?.field == field && error?.message.contains(names) == true && error?.line == 1
                && error?.message.contains("Har") == false
        }
        guard field != "encounter_id" else { return }
        let mapped = try ExtractLayout(
            header: Array(header.utf8),
            columnMap: field == "patient_id" ? ["MRN": .patientId] : ["CPT Code": .procedureCode],
            file: "x.csv")
        #expect(mapped.columns.filter { $0?.rawValue == field }.count == 1)
    }

    /// A missing required column says why the usual remedies did not help: a map key that names
    /// no header field (a typo), or a header read as one field (another delimiter).
    @Test func aMissingColumnSaysWhyTheMapOrDelimiterDidNotHelp() throws {
        let header = Array("Visit No,patient_id,service_date,procedure_code\n".utf8)
        #expect {
            _ = try ExtractLayout(header: header, columnMap: ["Visit Nr": .encounterId], file: "x.csv")
        } throws: { error in
            (error as? ScrubError)?.message.contains("--columns names 'Visit Nr', which no header field is") == true
        }
        #expect {
            _ = try ExtractLayout(
                header: Array("encounter_id;patient_id;service_date;procedure_code\n".utf8), file: "x.csv")
        } throws: { error in
            (error as? ScrubError)?.message.contains("--delimiter") == true
        }
        // With --delimiter given, the hint asks whether it is the file's, not to give one.
        #expect {
            _ = try ExtractLayout(
                header: Array("encounter_id,patient_id,service_date,procedure_code\n".utf8), delimiter: 0x3B,
                file: "x.csv")
        } throws: { error in
            (error as? ScrubError)?.message.contains("when split at the --delimiter given") == true
        }
        // Excel's "sep=," line above the header, and a UTF-16 file, are named as what they are.
        #expect {
            _ = try ExtractLayout(header: Array("sep=,\n".utf8), file: "x.csv")
        } throws: { error in
            (error as? ScrubError)?.message.contains("spreadsheet's 'sep=' hint") == true
        }
        // UTF-16 with either byte order mark, under either encoding (Windows-1252 reads any byte,
        // so the mark is looked for before the bytes are read as text), and without a mark.
        for encoding in [TextEncoding.utf8, .windows1252] {
            for mark: [UInt8] in [[0xFF, 0xFE], [0xFE, 0xFF]] {
                #expect {
                    _ = try ExtractLayout(header: mark + Array("l\0i\0\n".utf8), file: "x.csv", encoding: encoding)
                } throws: { error in
                    (error as? ScrubError)?.message.contains("the file is UTF-16 text") == true
                }
            }
            // UTF-32 (its mark starts as UTF-16 LE's) is named as itself.
            for mark: [UInt8] in [[0xFF, 0xFE, 0, 0], [0, 0, 0xFE, 0xFF]] {
                #expect {
                    _ = try ExtractLayout(
                        header: mark + Array("l\0\0\0\n\0\0\0".utf8), file: "x.csv", encoding: encoding)
                } throws: { error in
                    (error as? ScrubError)?.message.contains("the file is UTF-32 text") == true
                }
            }
            #expect {
                _ = try ExtractLayout(header: Array("l\0i\0,\0x\0\n".utf8), file: "x.csv", encoding: encoding)
            } throws: { error in
                (error as? ScrubError)?.message.contains("NUL bytes (UTF-16 text without a byte order mark?)") == true
            }
        }
        // A field that would be the column by its name, sent elsewhere by the map, is named.
        #expect {
            _ = try ExtractLayout(header: header, columnMap: ["patient_id": .encounterId], file: "x.csv")
        } throws: { error in
            let error = error as? ScrubError
            return error?.field == "patient_id"
                && error?.message.contains("the --columns map sends header field 'patient_id' to encounter_id") == true
        }
    }

    /// A table where a header name belongs is named as one: a misspelt `[columns]` read as a
    /// header field called "colums" with a table for its column.
    @Test func aMisspeltColumnsTableIsNamed() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("columns.toml", "[colums]\n\"Visit No\" = \"encounter_id\"\n")
        #expect {
            _ = try ExtractLayout.loadColumnMap(path: path)
        } throws: { error in
            let error = error as? ScrubError
            return error?.field == "colums" && error?.message.contains("is a table") == true
        }
    }

    /// Two map keys that name one header field ("Visit No", "VISIT_NO") are refused: which one
    /// applied changed from run to run.
    @Test func twoMapKeysForOneFieldAreRefused() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write(
            "columns.toml", "[columns]\n\"Visit No\" = \"encounter_id\"\n\"VISIT_NO\" = \"payer_id\"\n")
        #expect {
            _ = try ExtractLayout.loadColumnMap(path: path)
        } throws: { error in
            guard let error = error as? ScrubError, error.file == path else { return false }
            // Named by its path in the file, and its line.
            return (error.field == "columns.VISIT_NO" && error.line == 3 && error.message.contains("'Visit No'"))
                || (error.field == "columns.Visit No" && error.line == 2 && error.message.contains("'VISIT_NO'"))
        }
    }

    /// The map is the user's word on this extract: a field it assigns to a column is that column
    /// even where another field bears the column's own name or an alias (which one came first in
    /// the header used to decide, without a word).
    @Test(arguments: [
        "encounter_id,patient_id,service_date,procedure_code,CSN\n",
        "CSN,encounter_id,patient_id,service_date,procedure_code\n",
        "Visit Number,patient_id,service_date,procedure_code,CSN\n",
    ])
    func theMapWinsOverTheHeadersOwnName(header: String) throws {
        let layout = try ExtractLayout(header: Array(header.utf8), columnMap: ["CSN": .encounterId], file: "x.csv")
        let names = layout.headerNames
        #expect(layout.columns[try #require(names.firstIndex(of: "CSN"))] == .encounterId)
        #expect(layout.columns.filter { $0 == .encounterId }.count == 1)
    }

    /// Beside a `columns` table, another key (`[colums]`, a stray `foo`) is refused naming it:
    /// its mappings would be lost without a word.
    @Test(arguments: [
        "[columns]\n\"Visit No\" = \"encounter_id\"\n[colums]\n\"Dept\" = \"department\"\n",
        "foo = 1\n[columns]\nCSN = \"encounter_id\"\n",
    ])
    func aKeyBesideTheColumnsTableIsRefused(text: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("columns.toml", text)
        #expect {
            _ = try ExtractLayout.loadColumnMap(path: path)
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == path && (error?.field == "colums" || error?.field == "foo")
        }
    }
}

/// An extract whose amount, units or diagnosis column is under a name no alias knows was read with
/// amounts of $0, units of 1 and no diagnosis checks, without a word: the gate passed lines an MUE
/// edit would hold. The run now warns, naming the fields read as no column by position (a header
/// run into its first record holds patient data).
@Suite struct UnreadFieldsTests {
    static func warning(_ header: String) throws -> String? {
        let layout = try ExtractLayout(header: Array(header.utf8), file: "x.csv")
        return ScrubPipeline.unreadFieldsWarning(layout, columnMapName: "--columns")
    }

    @Test func missingColumnsBesideUnreadFieldsAreWarnedOf() throws {
        let full =
            "encounter_id,patient_id,patient_dob,patient_sex,service_date,procedure_code,modifier1,units,"
            + "charge_amount,dx1,rendering_npi"
        #expect(try Self.warning(full + ",description,unit_price_x\n") == nil)
        // Missing, but no field named like it: nothing to say (an extract without modifiers).
        #expect(try Self.warning("encounter_id,patient_id,service_date,procedure_code,description\n") == nil)
        let text = try #require(
            try Self.warning(
                "encounter_id,patient_id,patient_dob,patient_sex,service_date,procedure_code,modifier1,AMT_X,"
                    + "rendering_npi,QTY_X,Dx_Code_Primary_Key,P1000023\n"))
        #expect(
            text.hasPrefix("header fields 8 (charge_amount?), 10 (units?) and 11 (dx1?) are read as no column"),
            "\(text)")
        #expect(!text.contains("AMT_X") && !text.contains("P1000023") && !text.contains("12"))
        #expect(text.contains("amounts are $0") && text.contains("1 unit") && text.contains("no diagnosis"))
    }

    /// Hints are whole words of the name: a nursing unit's UNIT_NAME or MODE_OF_ARRIVAL is no
    /// units or modifier column, and the warning names only what the missing columns do.
    @Test func hintsAreWholeWordsAndTheWarningSaysWhatIsMissing() throws {
        // Without units or a modifier column: a nursing unit, an arrival mode, a modality and a
        // discharge date suggest neither (nor an amount, nor a sex).
        let bare = "encounter_id,patient_id,service_date,procedure_code,dx1,rendering_npi"
        #expect(try Self.warning(bare + ",MODE_OF_ARRIVAL,UNIT_NAME,Modality,DISCHARGE_DATE,ESSEX_SITE\n") == nil)
        // A unit priced or placed is no count either (with an amount column: a price would suggest one).
        let priced = "encounter_id,patient_id,service_date,procedure_code,charge_amount"
        #expect(try Self.warning(priced + ",UNIT_PRICE,UnitCost,DISCHARGE_UNIT,UNIT_OF_MEASURE\n") == nil)
        // Names run together, or a unit count, still do.
        for (field, column) in [
            ("TXAMT", "charge_amount"), ("CHGAMT", "charge_amount"), ("Unit", "units"), ("SVC_UNIT", "units"),
            ("UNIT_CNT", "units"), ("DIAGCODE1", "dx1"), ("ICD10CMCD", "dx1"), ("PATDOB", "patient_dob"),
            ("CPT_MOD_2", "modifier1"),
        ] {
            let said = try Self.warning("encounter_id,patient_id,service_date,procedure_code,\(field)\n")
            #expect(
                said?.hasPrefix("header field 5 (\(column)?) is read as no column") == true,
                "\(field): \(said ?? "nil")")
        }
        let base = "encounter_id,patient_id,service_date,procedure_code,charge_amount,units,dx1,rendering_npi"
        #expect(try Self.warning(base + ",MODE_OF_ARRIVAL,UNIT_NAME,Modality,ChargeDescription\n") == nil)
        let text = try #require(try Self.warning(base + ",ModifierCode2,BirthDtLocal\n"))
        #expect(text.hasPrefix("header fields 9 (modifier1?) and 10 (patient_dob?) are read as no column"), "\(text)")
        #expect(!text.contains("$0") && !text.contains("1 unit") && text.contains("M01"), "\(text)")
        #expect(ScrubPipeline.headerWords("Dx_Code_2 TxAmount ICD10") == ["dx", "code", "tx", "amount", "icd"])
    }

    /// Without dx1 or modifier1, two diagnosis or modifier fields read as no column are the first
    /// two of their kind (MODIFIER_ONE-like names were both "modifier1?"); a field about a code
    /// (`Diagnosis Description`) suggests nothing. Beside dx1 and modifier1 nothing is said: audit
    /// columns, ids and descriptions (`LAST_MOD_USER`, `DX_ID`) are no further diagnoses.
    @Test func numberedColumnsAreSuggestedInTurn() throws {
        let base = "encounter_id,patient_id,service_date,procedure_code,charge_amount,units,rendering_npi"
        let text = try #require(
            try Self.warning(base + ",Other Dx,Diagnosis Description,DX_ADMIT,MOD_A,MOD_B\n"))
        #expect(
            text.hasPrefix(
                "header fields 8 (dx1?), 10 (dx2?), 11 (modifier1?) and 12 (modifier2?) are read as no column"),
            "\(text)")
        #expect(text.contains("without dx1 no diagnosis is checked"), "\(text)")
        #expect(text.contains("without modifiers no modifier is checked"), "\(text)")
        let beside = base + ",dx1,modifier1,LAST_MOD_USER,DX_ID,DIAGNOSIS_STATUS,ICD10_PCS_CODE,NUM_MODIFIERS\n"
        #expect(try Self.warning(beside) == nil)
        #expect(try Self.warning(base + ",modifiers,MOD_B,DX_DESC\n") == nil)
    }

    /// An NPI field named for the billing provider is suggested as billing_npi (every NPI field was
    /// "rendering_npi?": mapped so, the group's NPI would have grouped E01–E06 across physicians).
    @Test func aBillingNPIFieldIsSuggestedAsSuch() throws {
        let base = "encounter_id,patient_id,service_date,procedure_code,charge_amount,units,dx1"
        for (fields, said) in [
            (",Billing Prov NPI", "8 (billing_npi?)"), (",BILL_NPI", "8 (billing_npi?)"),
            (",BillProvNPINum", "8 (billing_npi?)"), (",Perf Prov NPI", "8 (rendering_npi?)"),
            (",Billing Prov NPI,Rendering Prov NPI", "8 (billing_npi?) and 9 (rendering_npi?)"),
        ] {
            let text = try Self.warning(base + fields + "\n")
            #expect(
                text?.hasPrefix("header field\(said.contains("and") ? "s" : "") \(said)") == true, "\(text ?? "nil")")
        }
    }
}
