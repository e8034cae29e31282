import Foundation
import Synchronization

/// A one-line progress display on stderr: the phase of the run, share of the (compressed) input
/// read, lines/s, MB/s and the time left in the phase, redrawn at most ten times a second and
/// cleared at the end.
///
/// Only counts and rates are shown: never a file's content, so no patient data reaches the
/// terminal. The scrub's reading thread calls `update`; the state sits in a `Mutex`.
public final class ProgressBar: Sendable {
    struct State {
        var started: Double?
        var lastDraw: Double = -.infinity
        var drawn = false
        var finished = false
        /// Lines arrive per input file, each file counting from 0: earlier files' totals.
        var linesBefore = 0
        var lastLines = 0
        /// What the run is doing ("reading", "encounter edits", "writing"); empty: no label.
        var phase = ""
    }

    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Double
    private let width: Int
    /// Seconds between redraws.
    static let interval = 0.1

    /// `write` receives the text to put on the terminal; `now` is a monotonic clock in seconds.
    public init(
        width: Int = 78, write: @escaping @Sendable (String) -> Void,
        now: @escaping @Sendable () -> Double = ProgressBar.monotonicSeconds
    ) {
        self.width = width
        self.write = write
        self.now = now
    }

    /// A bar on stderr when it is a terminal and the run is not quiet; nil otherwise.
    public static func standardError(quiet: Bool) -> ProgressBar? {
        guard !quiet, isatty(2) == 1 else { return nil }
        return ProgressBar(width: terminalWidth(), write: { StandardError.write($0) })
    }

    public static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col >= 40 { return min(Int(size.ws_col) - 1, 120) }
        return 78
    }

    /// Starts a phase of the run: its name leads the line, and counts and rates start again.
    public func begin(phase: String) {
        let text: String? = state.withLock { s in
            guard !s.finished else { return nil }
            s.phase = phase
            s.started = now()
            s.lastDraw = s.started!
            s.linesBefore = 0
            s.lastLines = 0
            s.drawn = true
            return Self.line(phase: phase, bytes: 0, total: 0, lines: nil, elapsed: 0, width: width)
        }
        if let text { write("\r" + text + "\u{1B}[K") }
    }

    /// Reports progress: `bytes` of `total` raw (compressed) input bytes read, `lines` read so far
    /// in the current file. Cheap when it does not redraw.
    public func update(bytes: UInt64, total: UInt64, lines: Int) {
        let t = now()
        let text: String? = state.withLock { s in
            guard !s.finished else { return nil }
            if lines < s.lastLines { s.linesBefore += s.lastLines }
            s.lastLines = lines
            let started = s.started ?? t
            s.started = started
            guard t - s.lastDraw >= Self.interval else { return nil }
            s.lastDraw = t
            s.drawn = true
            return Self.line(
                phase: s.phase, bytes: bytes, total: total, lines: s.linesBefore + lines, elapsed: t - started,
                width: width)
        }
        if let text { write("\r" + text + "\u{1B}[K") }
    }

    /// Clears the line (once; later updates are ignored).
    public func finish() {
        let clear: Bool = state.withLock { s in
            defer { s.finished = true }
            return s.drawn && !s.finished
        }
        if clear { write("\r\u{1B}[2K") }
    }

    /// The bar's text: `writing [#####-----]  45%  1.2M lines  850k lines/s  42.1 MB/s  ETA 0:07`
    /// (`lines` nil: the phase's name alone).
    static func line(
        phase: String = "", bytes: UInt64, total: UInt64, lines: Int?, elapsed: Double, width: Int
    ) -> String {
        let label = phase.isEmpty ? "" : phase + " "
        guard let lines else { return String((label + "…").prefix(width)) }
        let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 0
        var tail = ""
        if total > 0 { tail += "  " + pad(String(Int((fraction * 100).rounded(.down))) + "%", 4) }
        tail += "  " + ReportFormat.compact(Double(lines)) + " lines"
        if elapsed > 0 {
            tail += "  " + ReportFormat.compact(Double(lines) / elapsed) + " lines/s"
            tail += "  " + ReportFormat.fixed(Double(bytes) / 1e6 / elapsed, 1) + " MB/s"
            if total > 0 && bytes > 0 && bytes < total {
                let left = elapsed * Double(total - bytes) / Double(bytes)
                tail += "  ETA " + duration(left)
            }
        }
        let barWidth = max(10, min(30, width - label.count - tail.count - 3))
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar =
            total > 0
            ? "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]" : ""
        return String((label + bar + tail).prefix(width))
    }

    static func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }

    /// 67 → "1:07", 3723 → "1:02:03".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        let ss = (s < 10 ? "0" : "") + String(s)
        if h > 0 { return "\(h):" + (m < 10 ? "0" : "") + "\(m):" + ss }
        return "\(m):" + ss
    }
}
