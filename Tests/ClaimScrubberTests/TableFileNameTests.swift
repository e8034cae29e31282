import Testing

@testable import ClaimScrubber

@Suite struct TableFileNameTests {
    @Test(
        arguments: [
            ("icd10cm_order_2026.txt", "icd10cm", "FY2026", "2025-10-01", "2026-09-30"),
            ("ICD10CM-ORDER-2026.TXT.zst", "icd10cm", "FY2026", "2025-10-01", "2026-09-30"),
            ("icd10cm-order-April-2025.txt", "icd10cm", "FY2025 April update", "2025-04-01", "2025-09-30"),
            ("HCPC2019_CONTR_ANWEB.txt", "hcpcs", "CY2019", "2019-01-01", nil),
            ("HCPC2025_OCT_ANWEB_v3.csv", "hcpcs", "CY2025 October update", "2025-10-01", nil),
            ("ccipra-v321r0-f1.txt", "ptp", "NCCI PTP v32.1 practitioner", "2026-04-01", nil),
            ("CCIOPH_V290R1_F4.TXT", "ptp", "NCCI PTP v29.0 outpatient-hospital", "2023-01-01", nil),
            ("ccipra-v313-f1.txt", "ptp", "NCCI PTP v31.3 practitioner", "2025-10-01", nil),
            (
                "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", "mue", "MUE practitioner 2026-04-01", "2026-04-01",
                nil
            ),
            (
                "mcr-mue-outpatienthospitalservices-eff-01-01-2026.csv.zst", "mue",
                "MUE outpatient-hospital 2026-01-01", "2026-01-01", nil
            ),
            ("MCR_MUE_DMESupplierServices_Eff_07-01-2026.csv", "mue", "MUE dme 2026-07-01", "2026-07-01", nil),
            ("MCE_Simple_Code_Edits_v37.txt", "mce", "MCE", nil, nil),
        ] as [(String, String, String, String?, String?)])
    func recognisesOfficialNames(
        _ name: String, _ kind: String, _ release: String, _ effective: String?, _ through: String?
    ) throws {
        let recognised = try #require(try TableFileName.recognise(name))
        #expect(recognised.kind == kind)
        #expect(recognised.release == release)
        #expect(recognised.effective.map(DayNumber.format) == effective)
        #expect(recognised.through.map(DayNumber.format) == through)
    }

    @Test func partsOfOneVersionShareAGroup() throws {
        let f1 = try TableFileName.recognise("ccipra-v321r0-f1.txt")?.group
        #expect(f1 != nil)
        #expect(f1 == (try TableFileName.recognise("CCIPRA_V321R0_F3.txt")?.group))
        #expect(f1 != (try TableFileName.recognise("ccioph-v321r0-f1.txt")?.group))
    }

    @Test(arguments: [
        "icd10cm-fy2026.tsv.zst", "place-of-service.tsv", "HCPC2019_CONTR.txt", "README.md", "mue-notes.csv",
    ])
    func otherNamesAreNotRecognised(_ name: String) throws {
        #expect(try TableFileName.recognise(name) == nil)
    }

    /// A name that starts as an official one but breaks its pattern is refused naming the file:
    /// passed over as "not official", an MUE file with a bad date left E04/E05 out of the run
    /// without a word, and `v3210` was read as version 321.0, serving from the year 2315.
    @Test(arguments: [
        "icd10cm_order_26.txt", "icd10cm-order-Smarch-2025.txt", "MCR_MUE_PractitionerServices_Eff_13-01-2026.csv",
        "MCR_MUE_PractitionerServices_Eff_02-30-2026.csv", "MCR_MUE_PractitionerServices_Eff_4-1-2026.csv",
        "MCR_MUE_MoonServices_Eff_01-01-2026.csv", "ccipra-v321r0.txt", "ccipra-v3210-f1.txt", "ccipra-v32r0-f1.txt",
        "ccipra-v321r0-f0.txt", "ccioph-vABCr0-f1.txt", "ccipra-v324r0-f1.txt",
        // Years no date the tables read may have (every other date is 1800–2200).
        "MCR_MUE_PractitionerServices_Eff_04-29-9999.csv", "HCPC0000_ANWEB.txt", "icd10cm_order_0000.txt",
        "icd10cm_order_9999.txt",
    ])
    func nearMissesOfOfficialNamesAreRefused(_ name: String) {
        #expect {
            _ = try TableFileName.recognise(name)
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == name && error?.message.contains("looks official") == true
        }
    }
}
