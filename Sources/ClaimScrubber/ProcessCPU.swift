#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// The CPU time this process has used so far, for the phase timings in summary.json's `run` object.
enum ProcessCPU {
    /// User plus system seconds of every thread of the process since it started.
    static func seconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            let who = __rusage_who_t(RUSAGE_SELF.rawValue)  // glibc imports the constant as an enum case
        #else
            let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func value(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}

/// The start of a phase on the wall clock and on the process's CPU clock.
struct PhaseMark {
    let wall = Date()
    let cpu = ProcessCPU.seconds()
}

extension ScrubSummary.RunInfo {
    /// Records a phase's wall seconds in `seconds` and its CPU seconds in `cpuSeconds`: CPU over
    /// wall is how many cores the phase kept busy.
    mutating func record(_ phase: String, since mark: PhaseMark) {
        seconds[phase] = Date().timeIntervalSince(mark.wall)
        cpuSeconds[phase] = max(0, ProcessCPU.seconds() - mark.cpu)
    }
}
