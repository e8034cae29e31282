import Benchmark
import ClaimScrubber

let benchmarks: @Sendable () -> Void = {
}
