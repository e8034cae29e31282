// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "ClaimScrubber",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "claim-scrub", targets: ["claim-scrub"]),
        .library(name: "ClaimScrubber", targets: ["ClaimScrubber"]),
        .library(name: "Zstd", targets: ["Zstd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(name: "Zstd", dependencies: ["CZstd"]),
        // C for the byte scans that need SIMD mask instructions (see its header).
        .target(name: "CScan"),
        .target(
            name: "ClaimScrubber",
            dependencies: [
                "Zstd",
                "CScan",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The compiler proves exclusive access statically; the run-time check it adds for class
            // properties and globals cost about 1% of a release scrub's instructions (callgrind).
            // Debug builds, and so the tests, keep it.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "claim-scrub",
            dependencies: [
                "ClaimScrubber",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ZstdTests", dependencies: ["Zstd"]),
        .testTarget(name: "ClaimScrubberTests", dependencies: ["ClaimScrubber", "Zstd", "claim-scrub"]),
        .executableTarget(
            name: "ScrubBenchmarks",
            dependencies: [
                "ClaimScrubber",
                "Zstd",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ScrubBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

// One place for the settings every Swift target shares.
for target in package.targets where target.type != .system && target.name != "CScan" {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .swiftLanguageMode(.v6),
            .treatAllWarnings(as: .error),
        ]
}
