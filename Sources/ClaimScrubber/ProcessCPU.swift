#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// The CPU time this process has used so far, for the phase timings in summary.json's `run` object.
package enum ProcessCPU {
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

extension ProcessCPU {
    /// The cores this process may use: the CPUs its affinity mask allows (`taskset`, a container's
    /// cpuset), fewer when the cgroup's CPU quota (`cpu.max`, a container's `--cpus`) gives less
    /// time than that; at least 1. The default worker count: counting every online CPU, two workers
    /// under `taskset -c 0` took turns on one core.
    package static func availableCores() -> Int {
        var cores = ProcessInfo.processInfo.activeProcessorCount
        #if os(Linux)
            var mask = [UInt64](repeating: 0, count: 16)  // 1,024 CPUs
            let size = mask.count * MemoryLayout<UInt64>.size
            if mask.withUnsafeMutableBytes({ sched_getaffinity_raw(0, size, $0.baseAddress!) }) == 0 {
                let allowed = mask.reduce(0) { $0 + $1.nonzeroBitCount }
                if allowed > 0 { cores = min(cores, allowed) }
            }
            // The quota of the cgroup the process sees as its root (a container's): cgroup v2's
            // cpu.max, or v1's cfs quota and period.
            func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
            if let text = read("/sys/fs/cgroup/cpu.max"), let quota = quotaCores(cpuMax: text) {
                cores = min(cores, quota)
            } else if let quota = read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
                let period = read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"),
                let v1 = quotaCores(cpuMax: quota.trimmingCharacters(in: .whitespacesAndNewlines) + " " + period)
            {
                cores = min(cores, v1)
            }
        #endif
        return max(1, cores)
    }

    /// The whole cores a cgroup v2 `cpu.max` ("QUOTA PERIOD", or "max PERIOD" for no limit) allows,
    /// rounded up; nil without a quota or when the text is not of that form. cgroup v1's
    /// `cpu.cfs_quota_us` and `cpu.cfs_period_us` read the same once joined (-1: no limit).
    static func quotaCores(cpuMax text: String) -> Int? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let quota = Int(parts[0]), let period = Int(parts[1]), quota > 0, period > 0 else {
            return nil
        }
        return (quota + period - 1) / period
    }
}

#if os(Linux)
    @_silgen_name("sched_getaffinity")
    private func sched_getaffinity_raw(_ pid: Int32, _ size: Int, _ mask: UnsafeMutableRawPointer) -> Int32
#endif

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
