import Foundation
import Testing

@testable import ClaimScrubber

/// An interrupt removes every temporary file; a thread still writing must not be able to create
/// one again afterwards (a spill appended just after the removal left a file behind).
@Suite struct TemporaryFilesTests {
    @Test func afterAnInterruptsRemovalNoFileIsCreatedAgain() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let registry = TemporaryFiles()
        let path = dir.file("a.spill")
        let fd = registry.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        #expect(fd >= 0)
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))
        registry.removeAll(closing: true)
        #expect(!FileManager.default.fileExists(atPath: path))
        // The same file appended to again, and a new one: both refused, nothing on disk.
        #expect(registry.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600) == -1)
        #expect(errno == ECANCELED)
        #expect(registry.open(dir.file("b.spill"), O_WRONLY | O_CREAT | O_TRUNC, 0o600) == -1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func removalWithoutAnInterruptLeavesTheRegistryOpen() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let registry = TemporaryFiles()
        let path = dir.file("a.spool")
        close(registry.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600))
        registry.removeAll()
        #expect(!FileManager.default.fileExists(atPath: path))
        let again = registry.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(again >= 0)
        close(again)
        registry.removeAll()
    }
}

/// A library run (`ScrubPipeline.run`, not the command) that fails removes the temporary files it
/// made before it throws: the command's `removeAll` is not there to do it for a library user.
@Suite struct FailedRunTemporaryFilesTests {
    @Test func aRunThatFailsAfterSpillingLeavesItsTemporaryFolderEmpty() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let good = dir.file("good.csv.zst")
        _ = try Fixtures.generate(lines: 20_000, seed: 21, to: good)
        // A second input that is corrupt zstd past its header: it fails while pass 1 reads it,
        // after the first input's lines were spilled and spooled.
        let second = dir.file("second.csv.zst")
        _ = try Fixtures.generate(lines: 20_000, seed: 22, to: second)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: second)))
        for i in (bytes.count / 2)..<(bytes.count / 2 + 64) { bytes[i] ^= 0xA5 }
        let bad = try dir.write("bad.csv.zst", bytes)
        // Repeated: whether the objects owning the files were gone by the time `run` threw
        // depended on the timing of the worker threads.
        for attempt in 0..<5 {
            let temp = dir.file("temp\(attempt)")
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
            #expect(throws: ScrubError.self) {
                _ = try Fixtures.scrub([good, bad], out: dir.file("out\(attempt)")) {
                    $0.memoryLimit = 1 << 20
                    $0.temporaryDirectory = temp
                    $0.spoolCompressedInput = true
                    $0.chunkSize = 64 << 10
                }
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: temp)
            #expect(left.isEmpty, "attempt \(attempt) left \(left)")
        }
    }
}
