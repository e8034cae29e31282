import Foundation
import Testing

@testable import ClaimScrubber

/// `--tables` folders named twice (the same folder by another path too) load once, in the order
/// they were first named.
@Suite struct TableLocatorTests {
    @Test func aFolderNamedTwiceIsResolvedOnce() throws {
        let defaults = try #require(try TableLocator.resolve(["default"]).first)
        #expect(try TableLocator.resolve(["default", "default"]) == [defaults])
        let demo = TestPaths.demoTables
        let sameDemo = TestPaths.packageRoot + "/data/../data/demo-tables/"
        #expect(try TableLocator.resolve([demo, "default", sameDemo, defaults]) == [demo, defaults])
    }
}
