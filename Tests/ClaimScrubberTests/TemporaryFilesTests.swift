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
