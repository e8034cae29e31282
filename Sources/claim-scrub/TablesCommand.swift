import ArgumentParser
import ClaimScrubber
import Foundation

struct TablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "List or check code tables.",
        subcommands: [List.self, Check.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Loaded releases, counts and date coverage.")

        @Option(help: "Table folder, or 'default' (repeatable).")
        var tables: [String] = []

        func run() throws {
            do {
                let started = Date()
                let loaded = try TableLoader.load(directories: try TableLocator.resolve(tables))
                let seconds = Date().timeIntervalSince(started)
                print(TableListing.render(loaded), terminator: "")
                print("loaded \(loaded.releases.count) table file(s) in \(String(format: "%.2f", seconds)) s")
            } catch let error as ScrubError {
                throw fail(error)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a table folder without scrubbing.")

        @Argument(help: "Table folder, or 'default' for the shipped tables.")
        var directory: String

        func run() throws {
            do {
                // A folder with no table in it is refused by the loader.
                let loaded = try TableLoader.load(directories: try TableLocator.resolve([directory]))
                print(TableListing.render(loaded), terminator: "")
                print("ok: \(loaded.releases.count) table file(s) in \(directory) read without error")
            } catch let error as ScrubError {
                throw fail(error)
            }
        }
    }
}
