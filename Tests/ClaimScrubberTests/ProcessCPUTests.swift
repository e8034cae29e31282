import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ProcessCPUTests {
    /// A cgroup v2 quota in whole cores, rounded up; no quota, or text of another form, is none.
    @Test(
        arguments: [
            ("100000 100000\n", 1), ("150000 100000", 2), ("200000 100000\n", 2), ("50000 100000", 1),
            ("max 100000\n", nil),
            ("", nil), ("100000", nil), ("x y", nil), ("0 100000", nil), ("-1 100000\n", nil), ("250000 100000\n", 3),
        ] as [(String, Int?)])
    func aCPUQuotaIsReadAsWholeCores(text: String, cores: Int?) {
        #expect(ProcessCPU.quotaCores(cpuMax: text) == cores)
    }

    /// The default worker count follows the CPUs the process may run on: one under `taskset -c 0`.
    @Test func theDefaultWorkerCountFollowsTheAffinityMask() throws {
        let available = ProcessCPU.availableCores()
        #expect(available >= 1 && available <= ProcessInfo.processInfo.activeProcessorCount)
        let taskset = try #require(Tool.find(["taskset"]), "taskset (util-linux) is needed")
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 50, errorRate: 0, to: input)
        let scrub = try Tool.run(
            taskset,
            [
                "-c", "0", CommandLineTests.executable, "scrub", input, "--out", dir.file("out"), "--as-of",
                "2026-06-30", "--quiet",
            ])
        #expect(scrub.status == 0, "\(scrub.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("out/summary.json"))))
                as? [String: Any])
        #expect((summary["run"] as? [String: Any])?["workers"] as? Int == 1)
    }
}
