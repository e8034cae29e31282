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

    /// An interrupt that comes once the outputs are being moved to their final names changes
    /// nothing: the run completes with its own status (exiting 130 then left some or all outputs in
    /// place under an "interrupted" status). One that comes first removes the files, and the
    /// commit that follows is refused.
    @Test func anInterruptDuringTheCommitIsIgnoredAndOneBeforeItStopsTheCommit() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let late = TemporaryFiles()
        let path = dir.file(".clean.csv.tmp-1")
        close(late.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600))
        #expect(late.beginCommit())
        #expect(!late.interrupt())
        #expect(FileManager.default.fileExists(atPath: path))
        let early = TemporaryFiles()
        let other = dir.file(".held.csv.tmp-1")
        close(early.open(other, O_WRONLY | O_CREAT | O_TRUNC, 0o600))
        #expect(early.interrupt())
        #expect(!FileManager.default.fileExists(atPath: other))
        #expect(!early.beginCommit())
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

    /// Temporary files hold charge lines: a name already taken in a shared folder, here a link
    /// planted there to another file, is skipped and nothing is written through it.
    @Test func aTemporaryFileIsNeverCreatedThroughATakenName() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let victim = try dir.write("victim.txt", Array("keep me".utf8))
        let planted = dir.file("claim-scrub-planted.spill")
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim)
        let stale = try dir.write("claim-scrub-stale.spill", Array("old".utf8))
        let registry = TemporaryFiles()
        var names = [planted, stale, dir.file("claim-scrub-new.spill")].makeIterator()
        let (fd, path) = try registry.createExclusive { names.next()! }
        defer { close(fd) }
        #expect(path == dir.file("claim-scrub-new.spill"))
        #expect(fd >= 0)
        _ = "patient data".withCString { write(fd, $0, 12) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        #expect(try String(contentsOfFile: stale, encoding: .utf8) == "old")
        // Registered, so a failure or an interrupt removes it.
        registry.removeAll()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: victim))
    }

    @Test func creationGivesUpWithTheFolderNamedWhenNoNameIsFree() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let taken = try dir.write("taken", [])
        let registry = TemporaryFiles()
        #expect {
            _ = try registry.createExclusive(attempts: 3) { taken }
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == taken && error?.message.contains("--temp-dir") == true
        }
        let missing = dir.file("no-such-folder/claim-scrub-1-1-x.spill")
        #expect(throws: ScrubError.self) { _ = try registry.create(in: dir.file("no-such-folder"), suffix: "x.spill") }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func createdFilesAreNewPrivateAndDistinct() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let registry = TemporaryFiles()
        let a = try registry.create(in: dir.path, suffix: "shard-1.spill")
        let b = try registry.create(in: dir.path, suffix: "shard-1.spill")
        defer {
            close(a.fd)
            close(b.fd)
            registry.removeAll()
        }
        #expect(a.path != b.path)
        #expect(a.path.hasPrefix(dir.file("claim-scrub-\(getpid())-")) && a.path.hasSuffix("-shard-1.spill"))
        let mode = try FileManager.default.attributesOfItem(atPath: a.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
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

/// The temporaries a run killed outright leaves behind, removed by the next run.
@Suite struct AbandonedTemporaryFilesTests {
    /// The process id of a process that has ended (a `true` run and waited for).
    static func deadProcess() throws -> Int32 {
        for _ in 0..<5 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/true")
            try process.run()
            process.waitUntilExit()
            let pid = process.processIdentifier
            if kill(pid, 0) != 0 && errno == ESRCH { return pid }
        }
        throw ScrubError("no ended process id to test with")
    }

    /// Temporaries of a run killed outright (`kill -9`, the out-of-memory killer) hold charge
    /// lines: the next run removes them, and nothing else.
    @Test func abandonedTemporariesOfEndedProcessesAreRemovedAndNothingElse() throws {
        let temp = try TemporaryFolder()
        defer { temp.remove() }
        let out = try TemporaryFolder()
        defer { out.remove() }
        let dead = try Self.deadProcess()
        let own = getpid()
        func touch(_ path: String) throws { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }
        let removed = [
            temp.file("claim-scrub-\(dead)-1-shard-3.spill"), temp.file("claim-scrub-\(dead)-7-findings.spool"),
            out.file(".clean.csv.zst.tmp-\(dead)"), out.file(".findings.csv.tmp-\(dead)"),
            out.file(".held.csv.stale-\(dead)"),
        ]
        let kept = [
            temp.file("claim-scrub-\(own)-2-input-0.spool"),  // this process's own
            temp.file("claim-scrub-1-3-stdin.spool"),  // process 1 is running
            temp.file("claim-scrub-notes.txt"), temp.file("claim-scrub-x\(dead)-1-a"), temp.file("other-\(dead)-1-a"),
            temp.file("claim-scrub-\(dead)--a"), temp.file("claim-scrub-\(dead)-٣-a"),
            out.file(".clean.csv.tmp-\(own)"), out.file(".notes.txt.tmp-\(dead)"), out.file("clean.csv"),
            out.file(".clean.csv.tmp-\(dead)x"), out.file(".clean.csv.stale-\(own)"), out.file(".notes.stale-\(dead)"),
        ]
        for path in removed + kept { try touch(path) }
        // A link with a stale name is not followed, nor removed: its target is not ours to judge.
        let target = temp.file("target.csv")
        try touch(target)
        let link = temp.file("claim-scrub-\(dead)-9-link.spill")
        #expect(symlink(target, link) == 0)

        let found = TemporaryFiles.removeAbandoned(temporaryFolder: temp.path, outputFolder: out.path)
        #expect(found == TemporaryFiles.Abandoned(files: removed.count, processes: [dead]))
        for path in removed { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        for path in kept + [target, link] { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        // Nothing left to find the second time.
        #expect(TemporaryFiles.removeAbandoned(temporaryFolder: temp.path, outputFolder: out.path).files == 0)
    }

    /// A run in another PID namespace (two containers sharing /tmp) has an id no process here
    /// has: its files were taken for abandoned and removed under it (it failed for want of its
    /// spill files). Its lock file, held while it has temporaries there, keeps them; once the
    /// lock is gone (the process ended), they go with the lock file.
    @Test func aLiveRunsLockKeepsItsTemporariesFromAnotherNamespace() throws {
        let temp = try TemporaryFolder()
        defer { temp.remove() }
        let elsewhere = try Self.deadProcess()
        let files = [
            temp.file("claim-scrub-\(elsewhere)-2-shard-1.spill"), temp.file("claim-scrub-\(elsewhere)-1-lock"),
        ]
        for path in files { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }
        let lock = open(files[1], O_RDWR)
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        #expect(TemporaryFiles.removeAbandoned(temporaryFolder: temp.path, outputFolder: nil).files == 0)
        for path in files { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        close(lock)
        // Both go; the lock file, which holds no data, is not counted as a temporary.
        #expect(TemporaryFiles.removeAbandoned(temporaryFolder: temp.path, outputFolder: nil).files == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path).isEmpty)
    }

    /// A process holds a lock file in a folder while it has temporaries there, and removes it
    /// with the last of them, whatever it still has in another folder.
    @Test func creatingATemporaryTakesTheFoldersLockUntilTheLastIsGone() throws {
        let temp = try TemporaryFolder()
        defer { temp.remove() }
        let other = try TemporaryFolder()
        defer { other.remove() }
        let registry = TemporaryFiles()
        let elsewhere = try registry.create(in: other.path, suffix: "c.spill")
        defer {
            close(elsewhere.fd)
            registry.removeAll()
        }
        let a = try registry.create(in: temp.path, suffix: "a.spill")
        let b = try registry.create(in: temp.path, suffix: "b.spill")
        let names = try FileManager.default.contentsOfDirectory(atPath: temp.path)
        let lockName = try #require(names.first { $0.hasSuffix("-lock") })
        #expect(names.count == 3 && lockName.hasPrefix("claim-scrub-\(getpid())-"))
        let probe = open(temp.file(lockName), O_RDONLY)
        defer { close(probe) }
        #expect(flock(probe, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        for file in [a, b] {
            close(file.fd)
            unlink(file.path)
            registry.unregister(file.path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path).isEmpty)
        #expect(flock(probe, LOCK_SH | LOCK_NB) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.path).count == 2)
    }
}
