/// The management report: one self-contained HTML page (issue 5 draws the charts).
public enum ReportRenderer {
    public static func html(_ summary: ScrubSummary, previous: ScrubSummary? = nil) -> String {
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ClaimScrubber report</title></head><body>"
            + "<h1>ClaimScrubber report</h1><p>Lines in: \(summary.linesIn); clean: \(summary.linesClean); held: \(summary.linesHeld).</p>"
            + "</body></html>\n"
    }
}
