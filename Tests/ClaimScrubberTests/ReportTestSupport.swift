import Foundation
import Testing

@testable import ClaimScrubber

/// Helpers for the summary, report and progress tests: a hand-made extract, and the outside tools
/// the tests drive (Python's `jsonschema`, headless Chromium).
enum ReportFixtures {
    static let header =
        "line_id,encounter_id,patient_id,patient_dob,patient_sex,patient_name,service_date,post_date,department,"
        + "rendering_npi,procedure_code,units,charge_amount,dx1,payer_id"

    /// A valid NPI from its nine-digit prefix (Luhn over 80840 + prefix).
    static func npi(_ prefix: UInt64) -> String { String(prefix * 10 + UInt64(NPI.checkDigit(prefix))) }

    static let npiA = npi(123_456_789)
    static let npiB = npi(124_531_959)

    /// One line of the hand-made extract; fields not given take harmless values.
    static func line(
        _ id: String, department: String, npi: String, payer: String, service: String, post: String, amount: String,
        procedure: String = "99212", patient: String = "PAT-1", dob: String = "1960-05-05", name: String = "A B"
    ) -> String {
        [id, "E-" + id, patient, dob, "F", name, service, post, department, npi, procedure, "1", amount, "I10", payer]
            .joined(separator: ",")
    }

    /// Nine lines whose metrics are worked out by hand in `ScrubSummaryTests.handMadeExtractMetrics`.
    static var handMade: String {
        let rows = [
            line(
                "L1", department: "Cardiology", npi: npiA, payer: "MCR01", service: "2026-06-01", post: "2026-06-01",
                amount: "100.00"),
            line(
                "L2", department: "Cardiology", npi: npiA, payer: "MCR01", service: "2026-06-03", post: "2026-06-05",
                amount: "200.00"),
            // Lag 7: D04 (warning), passes: at risk.
            line(
                "L3", department: "Cardiology", npi: npiB, payer: "MCR01", service: "2026-06-08", post: "2026-06-15",
                amount: "50.00", procedure: "99213"),
            // Posted 4 days before service: D02 (error), held.
            line(
                "L4", department: "Cardiology", npi: npiB, payer: "AETNA01", service: "2026-06-14", post: "2026-06-10",
                amount: "75.50", procedure: "99215"),
            line(
                "L5", department: "Radiology", npi: npiA, payer: "AETNA01", service: "2026-06-15", post: "2026-06-16",
                amount: "300.00"),
            // Malformed NPI (C09, error) and lag 5 (D04): held, two findings.
            line(
                "L6", department: "Radiology", npi: "12345", payer: "AETNA01", service: "2026-06-15",
                post: "2026-06-20", amount: "25.25", procedure: "99214"),
            // ISO week 2026-W01 starts on Monday 2025-12-29; no payer.
            line(
                "L7", department: "Radiology", npi: npiA, payer: "", service: "2025-12-29", post: "2025-12-30",
                amount: "10.00"),
            // A credit, no department.
            line(
                "L8", department: "", npi: npiA, payer: "MCR01", service: "2026-01-01", post: "2026-01-01",
                amount: "-10.00"),
            // Not a real date of service: S03, held, no week, no lag.
            line(
                "L9", department: "Radiology", npi: npiA, payer: "MCR01", service: "2026-02-30", post: "2026-03-02",
                amount: "40.00", procedure: "99211"),
        ]
        return header + "\n" + rows.joined(separator: "\n") + "\n"
    }

    /// Scrubs CSV text with the default tables; returns the result and the output folder.
    static func scrub(
        _ csv: String, in folder: TemporaryFolder, name: String = "extract.csv", out: String = "out",
        _ configure: (inout ScrubOptions) -> Void = { _ in }
    ) throws -> (result: ScrubPipeline.Result, out: String) {
        let input = try folder.write(name, csv)
        let outPath = folder.file(out)
        let result = try Fixtures.scrub([input], out: outPath) {
            $0.temporaryDirectory = folder.path
            configure(&$0)
        }
        return (result, outPath)
    }

    /// A summary.json object without its `run` member (the part that must be deterministic).
    static func withoutRun(_ bytes: [UInt8]) throws -> [String: Any] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        object["run"] = nil
        return object
    }

    /// Paths where two decoded JSON values differ (empty when equal).
    static func differences(_ a: Any?, _ b: Any?, at path: String = "$") -> [String] {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys).union(y.keys).sorted().flatMap { differences(x[$0], y[$0], at: path + "." + $0) }
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) items against \(y.count)"] }
            return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, at: path + "[\($0)]") }
        case let (x as NSObject, y as NSObject):
            return x.isEqual(y) ? [] : ["\(path): \(x) against \(y)"]
        default:
            return a == nil && b == nil
                ? [] : ["\(path): \(a.map { "\($0)" } ?? "absent") against \(b.map { "\($0)" } ?? "absent")"]
        }
    }

    static func readText(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }
}

/// Runs a program and waits for it, within a time limit.
enum Tool {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func find(_ names: [String]) -> String? { findAll(names).first }

    /// Every executable of these names on PATH and in the usual places, in search order.
    static func findAll(_ names: [String]) -> [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        var found: [String] = []
        for name in names {
            for dir in path.split(separator: ":").map(String.init) + [
                "/usr/local/bin", "/usr/bin", "/snap/bin", home + "/.pyenv/shims",
            ] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) && !found.contains(candidate) {
                    found.append(candidate)
                }
            }
        }
        return found
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes on their own threads so a chatty tool cannot fill one and block.
        let outData = Reader(out.fileHandleForReading)
        let errData = Reader(err.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return Output(status: -1, stdout: outData.text(), stderr: "timed out after \(timeout) s\n" + errData.text())
        }
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: outData.text(), stderr: errData.text())
    }

    /// Drains a pipe on a background thread.
    final class Reader: @unchecked Sendable {
        // Written once by the reading thread before `done` is signalled; read after waiting on it.
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func text() -> String {
            done.wait()
            done.signal()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// `python3 -c` with the `jsonschema` package: validates a JSON file against the committed schema.
enum SchemaValidator {
    static let schemaPath = TestPaths.packageRoot + "/schemas/summary.schema.json"

    static let script = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        document = json.load(open(sys.argv[2]))
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: e.json_path)
        for e in errors:
            print(e.json_path + ": " + e.message[:300])
        sys.exit(1 if errors else 0)
        """

    /// The first python3 that has `jsonschema` (a pyenv shim and the system python may differ).
    static let python: String? = Tool.findAll(["python3"]).first { candidate in
        (try? Tool.run(candidate, ["-c", "import jsonschema"]).status) == 0
    }

    /// The validation errors (empty when valid).
    static func errors(_ jsonPath: String) throws -> [String] {
        let python = try #require(
            Self.python,
            "python3 with the jsonschema package is needed to validate summary.json (pip install jsonschema)")
        let run = try Tool.run(python, ["-c", script, schemaPath, jsonPath])
        if run.status != 0 && run.stdout.isEmpty {
            Issue.record("python3 jsonschema failed to run (is the jsonschema package installed?): \(run.stderr)")
            return ["validator did not run"]
        }
        return run.stdout.split(separator: "\n").map(String.init)
    }
}

/// Headless Chromium as the tests drive it (Debian package `chromium`).
enum Chromium {
    static var executable: String? { Tool.find(["chromium", "chromium-browser", "google-chrome"]) }

    static func arguments(profile: String) -> [String] {
        // As root Chromium refuses to start without --no-sandbox; it is harmless otherwise.
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile)", "--hide-scrollbars",
        ]
    }

    /// The DOM after loading the page.
    static func dumpDOM(_ html: String, profile: String, width: Int? = nil) throws -> Tool.Output {
        let window = width.map { ["--window-size=\($0),1600"] } ?? []
        return try Tool.run(try require(), arguments(profile: profile) + window + ["--dump-dom", "file://" + html])
    }

    static func screenshot(_ html: String, to png: String, profile: String) throws -> Tool.Output {
        try Tool.run(
            try require(),
            arguments(profile: profile) + ["--window-size=1000,1600", "--screenshot=\(png)", "file://" + html])
    }

    static func require() throws -> String {
        try #require(
            executable,
            "headless Chromium is needed for the report test: apt-get install -y chromium (.ci/run installs it)")
    }
}

/// Decodes a PNG (8-bit RGB/RGBA, no interlace) with Python's standard library and reports how many
/// distinct colours a grid of sampled pixels has and the share that differ from the top-left one.
enum PNGProbe {
    static let script = """
        import struct, sys, zlib, json
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
        pos, idat = 8, b''
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR':
                width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            elif kind == b'IDAT':
                idat += body
            pos += 12 + length
        assert depth == 8 and colour in (2, 6) and interlace == 0, 'unsupported PNG layout'
        bpp = 3 if colour == 2 else 4
        raw = zlib.decompress(idat)
        stride = width * bpp
        rows, prev, i = [], bytearray(stride), 0
        for y in range(height):
            f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line); prev = line
        samples = [bytes(rows[y][x * bpp:x * bpp + 3]) for y in range(0, height, 7) for x in range(0, width, 7)]
        first = samples[0]
        print(json.dumps({'width': width, 'height': height, 'colours': len(set(samples)),
                          'different': sum(1 for s in samples if s != first) / len(samples)}))
        """

    struct Probe: Decodable {
        var width: Int
        var height: Int
        var colours: Int
        var different: Double
    }

    static func probe(_ png: String) throws -> Probe {
        let python = try #require(Tool.find(["python3"]), "python3 is needed to decode the screenshot")
        let run = try Tool.run(python, ["-c", script, png])
        #expect(run.status == 0, "PNG probe failed: \(run.stderr)")
        return try JSONDecoder().decode(Probe.self, from: Data(run.stdout.utf8))
    }
}
