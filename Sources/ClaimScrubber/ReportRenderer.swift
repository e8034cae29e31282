/// The management report: one self-contained HTML page with inline SVG charts.
///
/// No script, stylesheet, font or image comes from elsewhere (the page makes no network request),
/// and it shows only what `summary.json` holds: counts, rule ids, codes, departments, provider
/// NPIs and payer ids (invariant 6). With `previous` (last month's summary) it shows the change
/// against that run beside each figure.
public enum ReportRenderer {
    /// The titles of the charts and tables, in page order (each chart's SVG `<title>`).
    public enum Title {
        public static let findingsByRule = "Findings by rule"
        public static let heldByDepartment = "Held dollars by department"
        public static let chargeLag = "Charge lag distribution"
        public static let weeklyTrend = "Weekly trend"
        public static let departmentRates = "Departments with the highest error rates"
        public static let providerRates = "Rendering providers with the highest error rates"
        public static let comparison = "Change since the previous run"
        public static let all = [
            findingsByRule, heldByDepartment, chargeLag, weeklyTrend, departmentRates, providerRates,
        ]
    }

    /// Rows in the "highest error rates" tables.
    static let rankedRows = 10
    /// Groups with fewer lines than this are left out of the rankings when enough larger ones exist
    /// (one held line of one is a 100% rate that says little).
    static let rankingMinimumLines = 20
    /// Longest lag drawn as its own bar; longer lags share the last bar.
    static let lagChartDays = 30

    public static func html(_ summary: ScrubSummary, previous: ScrubSummary? = nil) -> String {
        let m = summary.metrics
        var page = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Charge scrub report\(summary.run.asOf.isEmpty ? "" : " — as of " + HTML.escape(summary.run.asOf))</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            <h1>Charge scrub report</h1>

            """
        page += "<p class=\"meta\">\(runLine(summary))</p>\n"
        page += overview(summary, previous)
        page += findingsByRule(summary, previous)
        page += heldByDepartment(summary, previous)
        page += chargeLag(summary, previous)
        page += weeklyTrend(summary)
        page += rankings(
            title: Title.departmentRates, id: "departments", keyHeader: "Department",
            // By the names the summary gives (a department named "(none)" and lines without one
            // are one group there, and were two rows here).
            groups: byKey(m.departments).map { ($0.key, $0.value) },
            previous: previous.map { byKey($0.metrics.departments) })
        page += rankings(
            title: Title.providerRates, id: "providers", keyHeader: "Rendering NPI",
            groups: ScrubSummary.merged(m.providers, key: ScrubSummary.providerKey).map { ($0.key, $0.value) },
            previous: previous.map { ScrubSummary.merged($0.metrics.providers, key: ScrubSummary.providerKey) })
        page += payers(summary, previous)
        page += tablesUsed(summary)
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    /// A row's name cell. A name with a run of more than 24 characters without a space, hyphen or
    /// slash may break anywhere (class `long`), so that it cannot widen the page; other names break
    /// between words only, and keep their width when a table is squeezed (with every name free to
    /// break anywhere, "AETNA01" broke in a page printed on A4).
    static func rowHeader(_ name: String) -> String {
        var run = 0
        var longest = 0
        for c in name {
            run = c == " " || c == "-" || c == "/" ? 0 : run + 1
            longest = max(longest, run)
        }
        let attributes = longest > 24 ? " class=\"long\"" : ""
        return "<th scope=\"row\"\(attributes)>\(HTML.escape(name))</th>"
    }

    // MARK: - Sections

    /// The run's date, inputs and version, as HTML (file names isolated).
    static func runLine(_ s: ScrubSummary) -> String {
        var parts: [String] = []
        if !s.run.asOf.isEmpty { parts.append("As of \(HTML.isolated(s.run.asOf))") }
        if !s.inputs.isEmpty {
            parts.append(
                "inputs: "
                    + s.inputs.map { "\(HTML.isolated($0.file)) (\(ReportFormat.count($0.lines)) lines)" }
                    .joined(separator: ", "))
        }
        if !s.run.version.isEmpty { parts.append("ClaimScrubber \(HTML.escape(s.run.version))") }
        return parts.joined(separator: "; ") + "."
    }

    struct Measure {
        var name: String
        var now: String
        var before: String?
        var change: String?
    }

    static func overview(_ s: ScrubSummary, _ p: ScrubSummary?) -> String {
        let m = s.metrics
        // The previous run's lags are measured against this run's threshold: its own (another
        // `charge_lag_days`) made "over 15 days" now beside "over 3 days" then. The histograms hold
        // every line, so the share is exact either way.
        let threshold = s.chargeLagThresholdDays
        let lag = ScrubSummary.lagStatistics(m.chargeLagAll, threshold: threshold)
        let lagBefore = p.map { ScrubSummary.lagStatistics($0.metrics.chargeLagAll, threshold: threshold) }
        func duplicates(_ x: ScrubSummary) -> Int { x.findings(.E01) + x.findings(.E02) }
        // A share of nothing is no share: nil (shown "—", no change), not 0%.
        func rate(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
        var rows: [Measure] = []
        func add(_ name: String, _ now: Int, _ before: Int?) {
            rows.append(
                Measure(
                    name: name, now: ReportFormat.count(now), before: before.map(ReportFormat.count),
                    change: before.map { ReportFormat.signedCount(now - $0) }))
        }
        func addDollars(_ name: String, _ now: Int64, _ before: Int64?) {
            rows.append(
                Measure(
                    name: name, now: ReportFormat.dollars(now), before: before.map(ReportFormat.dollars),
                    change: before.map { ReportFormat.signedDollars(now - $0) }))
        }
        func addRate(_ name: String, _ now: Double?, _ before: Double?) {
            rows.append(
                Measure(
                    name: name, now: now.map(ReportFormat.percent) ?? "—", before: before.map(ReportFormat.percent),
                    change: now.flatMap { n in before.map { ReportFormat.signedPoints(n - $0) } }))
        }
        func addDays(_ name: String, _ now: Int32?, _ before: Int32?) {
            rows.append(
                Measure(
                    name: name, now: now.map { ReportFormat.count(Int($0)) } ?? "—",
                    before: before.map { ReportFormat.count(Int($0)) },
                    change: now.flatMap { n in before.map { ReportFormat.signedCount(Int(n) - Int($0)) } }))
        }
        add("Lines in", s.linesIn, p?.linesIn)
        add("Lines clean", s.linesClean, p?.linesClean)
        add("Lines held", s.linesHeld, p?.linesHeld)
        addRate("Error rate (lines held)", rate(s.linesHeld, s.linesIn), p.flatMap { rate($0.linesHeld, $0.linesIn) })
        add("Lines with findings", m.flagged, p?.metrics.flagged)
        addRate("Finding rate", rate(m.flagged, s.linesIn), p.flatMap { rate($0.metrics.flagged, $0.linesIn) })
        add("Findings: errors", m.errors, p?.metrics.errors)
        add("Findings: warnings", m.warnings, p?.metrics.warnings)
        addDollars("Charges", m.chargesCents, p?.metrics.chargesCents)
        addDollars("Dollars held", m.heldCents, p?.metrics.heldCents)
        addDollars("Dollars at risk (passed with warnings)", m.atRiskCents, p?.metrics.atRiskCents)
        add("Duplicates found (E01, E02)", duplicates(s), p.map(duplicates))
        addDollars("Dollars of duplicates", s.duplicateChargesCents, p?.duplicateChargesCents)
        // Shown when either run has lags, so that none of the previous run's figures is lost.
        if lag.lines > 0 || (lagBefore?.lines ?? 0) > 0 {
            let now = lag.lines > 0 ? lag : nil
            let before = lagBefore.flatMap { $0.lines > 0 ? $0 : nil }
            addDays("Charge lag median (days)", now?.median, before?.median)
            addDays("Charge lag p90 (days)", now?.p90, before?.p90)
            addRate(
                "Charge lag over \(threshold) days", now.flatMap { rate($0.overThreshold, $0.lines) },
                before.flatMap { rate($0.overThreshold, $0.lines) })
        }
        var html = "<section id=\"overview\">\n<h2>\(p == nil ? "Overview" : Title.comparison)</h2>\n"
        if let p {
            let date = p.run.asOf.isEmpty ? "(date unknown)" : "as of " + HTML.isolated(p.run.asOf)
            html += "<p>Previous run: \(date).</p>\n"
            // A run without a table its rules need finds nothing under them: its counts fall for
            // want of the table, not of errors, and the change would read as an improvement. So
            // for a rule switched off in one run, and for D04 under another threshold.
            let droppedNow = s.codeSetsNotLoaded.filter { !p.codeSetsNotLoaded.contains($0) }
            let droppedBefore = p.codeSetsNotLoaded.filter { !s.codeSetsNotLoaded.contains($0) }
            var parts: [String] = []
            if s.codeSetsKnown && p.codeSetsKnown {
                if !droppedNow.isEmpty {
                    parts.append("this run did not load " + droppedNow.map(HTML.escape).joined(separator: ", "))
                }
                if !droppedBefore.isEmpty {
                    parts.append(
                        "the previous run did not load " + droppedBefore.map(HTML.escape).joined(separator: ", "))
                }
            }
            let (offNow, offBefore) = Self.rulesOffInOneRun(s, p)
            if !offNow.isEmpty {
                parts.append("this run had " + offNow.map(\.rawValue).joined(separator: ", ") + " switched off")
            }
            if !offBefore.isEmpty {
                parts.append(
                    "the previous run had " + offBefore.map(\.rawValue).joined(separator: ", ") + " switched off")
            }
            if s.chargeLagThresholdDays != p.chargeLagThresholdDays {
                parts.append(
                    "D04's charge-lag threshold was \(p.chargeLagThresholdDays) days then and "
                        + "\(s.chargeLagThresholdDays) now")
            }
            if !parts.isEmpty {
                html += "<p id=\"not-comparable\"><strong>Not like for like:</strong> "
                html += parts.joined(separator: "; ")
                html += ". The rules concerned are not comparable between the two runs.</p>\n"
            }
        }
        html += "<table class=\"figures\"><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">This run</th>"
        if p != nil { html += "<th scope=\"col\">Previous</th><th scope=\"col\">Change</th>" }
        html += "</tr></thead><tbody>\n"
        for row in rows {
            html += "<tr><th scope=\"row\">\(HTML.escape(row.name))</th><td>\(row.now)</td>"
            if p != nil { html += "<td>\(row.before ?? "—")</td><td class=\"change\">\(row.change ?? "")</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    /// The rules switched off in this run and not the previous one, and the other way round;
    /// none when either summary does not say (an earlier version's).
    static func rulesOffInOneRun(_ s: ScrubSummary, _ p: ScrubSummary) -> (now: [RuleID], before: [RuleID]) {
        guard let now = s.rulesOff, let before = p.rulesOff else { return ([], []) }
        let offNow = RuleID.allCases.filter { now.contains($0.rawValue) && !before.contains($0.rawValue) }
        let offBefore = RuleID.allCases.filter { before.contains($0.rawValue) && !now.contains($0.rawValue) }
        return (offNow, offBefore)
    }

    static func findingsByRule(_ s: ScrubSummary, _ p: ScrubSummary?) -> String {
        let rules = RuleID.allCases.filter { s.findings($0) > 0 || (p?.findings($0) ?? 0) > 0 }
        let ranked = rules.filter { s.findings($0) > 0 }.sorted {
            (s.findings($1), $0.ordinal) < (s.findings($0), $1.ordinal)
        }
        let bars = ranked.map {
            SVGChart.Bar(
                label: "\($0.rawValue) \($0.title)", value: Double(s.findings($0)),
                display: ReportFormat.count(s.findings($0)))
        }
        let total = s.metrics.errors + s.metrics.warnings
        let description =
            ranked.isEmpty
            ? "No findings."
            : "\(ReportFormat.count(total)) findings under \(ranked.count) rules; most: "
                + ranked.prefix(3).map { "\($0.rawValue) \(ReportFormat.count(s.findings($0)))" }.joined(
                    separator: ", ") + "."
        var html = "<section id=\"rules\">\n<h2>\(Title.findingsByRule)</h2>\n<figure>\n"
        html += SVGChart.horizontalBars(
            id: "chart-rules", title: Title.findingsByRule, description: description, bars: bars, color: "#3b6ea5")
        html += "\n<figcaption>\(HTML.escape(description)) The table below lists every rule.</figcaption>\n</figure>\n"
        let top = s.topCodes()
        html += "<table><caption>Findings by rule (text alternative)</caption><thead><tr>"
        html += "<th scope=\"col\">Rule</th><th scope=\"col\" class=\"text\">Checks</th><th scope=\"col\">Findings</th>"
        html += "<th scope=\"col\">Errors</th><th scope=\"col\">Lines</th><th scope=\"col\">Line rate</th>"
        html += "<th scope=\"col\">Charges</th><th scope=\"col\" class=\"text\">Top codes</th>"
        if p != nil { html += "<th scope=\"col\">Previous</th><th scope=\"col\">Change</th>" }
        html += "</tr></thead><tbody>\n"
        for rule in rules {
            let t = s.metrics.rules[rule.ordinal]
            // A no-break space keeps each code beside its count when the list wraps.
            let codes = (top[rule] ?? []).prefix(5).map { "\($0.code)\u{00A0}(\(ReportFormat.count($0.findings)))" }
            html +=
                "<tr><th scope=\"row\" class=\"id\">\(rule.rawValue)</th><td class=\"text\">\(HTML.escape(rule.title))</td>"
            html += "<td>\(ReportFormat.count(s.findings(rule)))</td><td>\(ReportFormat.count(t.errors))</td>"
            html += "<td>\(ReportFormat.count(t.lines))</td>"
            // A run of no lines has no rate (as the overview shows it), not 0.0%.
            html += "<td>\(s.linesIn > 0 ? ReportFormat.percent(Double(t.lines) / Double(s.linesIn)) : "—")</td>"
            html +=
                "<td>\(ReportFormat.dollars(t.chargesCents))</td><td class=\"text\">\(HTML.escape(codes.joined(separator: ", ")))</td>"
            if let p {
                // A rule off in one of the runs has no change to show: its none is no improvement.
                let (offNow, offBefore) = Self.rulesOffInOneRun(s, p)
                if offNow.contains(rule) || offBefore.contains(rule) {
                    html += "<td>\(offBefore.contains(rule) ? "off" : ReportFormat.count(p.findings(rule)))</td>"
                    html += "<td class=\"change\">\(offNow.contains(rule) ? "off this run" : "off before")</td>"
                } else {
                    html += "<td>\(ReportFormat.count(p.findings(rule)))</td>"
                    html += "<td class=\"change\">\(ReportFormat.signedCount(s.findings(rule) - p.findings(rule)))</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    /// Groups by their key's text (a department named "(none)" and an empty one share a row, where
    /// `uniqueKeysWithValues` would trap).
    static func byKey(_ groups: [String: GroupTally]) -> [String: GroupTally] {
        ScrubSummary.merged(groups, key: ScrubSummary.groupKey)
    }

    static func heldByDepartment(_ s: ScrubSummary, _ p: ScrubSummary?) -> String {
        let before = p.map { byKey($0.metrics.departments) }
        // With a previous run, its departments too (no lines this run): a department that held
        // dollars then and none now shows its change, and the changes add up to the headline's.
        var tallies = byKey(s.metrics.departments)
        for name in (before ?? [:]).keys where tallies[name] == nil { tallies[name] = GroupTally() }
        let departments = tallies.map { ($0.key, $0.value) }.sorted { ($1.1.heldCents, $0.0) < ($0.1.heldCents, $1.0) }
        let bars = departments.filter { $0.1.heldCents > 0 }.map {
            SVGChart.Bar(label: $0.0, value: Double($0.1.heldCents), display: ReportFormat.dollars($0.1.heldCents))
        }
        // Once as text for the SVG's <desc>, once as HTML with the names isolated for the caption;
        // the rest of the sentence is figures and words of ours, with nothing to escape.
        // The bars are the departments whose held lines net to more than $0; one whose held
        // credits net below it has no bar, and the caption says so, so that the bars and the
        // total (net of those credits) need not be taken to disagree.
        let heldDepartments = departments.filter { $0.1.held > 0 }.count
        let credited = departments.filter { $0.1.heldCents < 0 }.count
        func description(_ name: (String) -> String) -> String {
            guard !bars.isEmpty || credited > 0 else { return "No dollars held." }
            var text =
                "\(ReportFormat.dollars(s.metrics.heldCents)) held in \(heldDepartments) "
                + (heldDepartments == 1 ? "department" : "departments")
            if !bars.isEmpty {
                text += "; most: " + bars.prefix(3).map { "\(name($0.label)) \($0.display)" }.joined(separator: ", ")
            }
            text += "."
            if credited > 0 {
                text +=
                    " \(credited) \(credited == 1 ? "department's" : "departments'") held lines net to a credit "
                    + "(below $0): no bar, see the table."
            }
            return text
        }
        var html = "<section id=\"held\">\n<h2>\(Title.heldByDepartment)</h2>\n<figure>\n"
        html += SVGChart.horizontalBars(
            id: "chart-held", title: Title.heldByDepartment, description: description { $0 }, bars: bars,
            color: "#b4462f")
        html += "\n<figcaption>\(description(HTML.isolated))</figcaption>\n</figure>\n"
        html += "<table><caption>Dollars by department (text alternative)</caption><thead><tr>"
        html += "<th scope=\"col\">Department</th><th scope=\"col\">Lines</th><th scope=\"col\">Charges</th>"
        html += "<th scope=\"col\">Held</th><th scope=\"col\">At risk</th>"
        if p != nil { html += "<th scope=\"col\">Held, previous</th><th scope=\"col\">Change</th>" }
        html += "</tr></thead><tbody>\n"
        for (name, t) in departments {
            html += "<tr>\(rowHeader(name))<td>\(ReportFormat.count(t.lines))</td>"
            html += "<td>\(ReportFormat.dollars(t.chargesCents))</td><td>\(ReportFormat.dollars(t.heldCents))</td>"
            html += "<td>\(ReportFormat.dollars(t.atRiskCents))</td>"
            if let before {
                let old = before[name]?.heldCents ?? 0
                html +=
                    "<td>\(ReportFormat.dollars(old))</td><td class=\"change\">\(ReportFormat.signedDollars(t.heldCents - old))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func chargeLag(_ s: ScrubSummary, _ p: ScrubSummary?) -> String {
        let all = s.metrics.chargeLagAll
        let threshold = s.chargeLagThresholdDays
        let stats = ScrubSummary.lagStatistics(all, threshold: threshold)
        // Bars: posted before service (negative), each day 0...lagChartDays−1, and the rest.
        var bars: [SVGChart.Bar] = []
        let negative = all.filter { $0.key < 0 }.reduce(0) { $0 + $1.value }
        if negative > 0 {
            bars.append(.init(label: "< 0", value: Double(negative), display: ReportFormat.count(negative)))
        }
        let longest = min(lagChartDays, Int(all.keys.max() ?? 0) + 1)
        for day in 0..<max(0, longest) {
            let n = all[Int32(day)] ?? 0
            bars.append(.init(label: "\(day)", value: Double(n), display: ReportFormat.count(n) + " lines"))
        }
        let beyond = all.filter { $0.key >= Int32(lagChartDays) }.reduce(0) { $0 + $1.value }
        if beyond > 0 {
            bars.append(
                .init(label: "\(lagChartDays)+", value: Double(beyond), display: ReportFormat.count(beyond) + " lines"))
        }
        for i in bars.indices where !bars[i].display.hasSuffix("lines") { bars[i].display += " lines" }
        let markerIndex = (negative > 0 ? 1 : 0) + threshold
        let description =
            stats.lines == 0
            ? "No lines with both a service date and a post date."
            : "Days from service to posting for \(ReportFormat.count(stats.lines)) lines: median \(stats.median), "
                + "90th percentile \(stats.p90); \(ReportFormat.percent(Double(stats.overThreshold) / Double(stats.lines))) "
                + "over the \(threshold)-day threshold."
        var html = "<section id=\"lag\">\n<h2>\(Title.chargeLag)</h2>\n<figure>\n"
        html += SVGChart.columns(
            id: "chart-lag", title: Title.chargeLag, description: description, bars: bars, color: "#5b8c5a",
            partColor: "#5b8c5a", marker: (markerIndex, "threshold \(threshold) days"), yLabel: "lines")
        html +=
            "\n<figcaption>\(HTML.escape(description)) Median and 90th percentile are exact (nearest rank).</figcaption>\n</figure>\n"
        let before = p.map { x in
            Dictionary(
                x.metrics.chargeLag.map { (ScrubSummary.groupKey($0.key), $0.value) },
                uniquingKeysWith: { $0.merging($1, uniquingKeysWith: +) }
            ).mapValues { ScrubSummary.lagStatistics($0, threshold: threshold) }
        }
        html += "<table><caption>Charge lag by department (days)</caption><thead><tr>"
        html += "<th scope=\"col\">Department</th><th scope=\"col\">Lines</th><th scope=\"col\">Median</th>"
        html += "<th scope=\"col\">p90</th><th scope=\"col\">Over \(threshold) days</th>"
        if p != nil {
            html += "<th scope=\"col\">Median, previous</th><th scope=\"col\">p90, previous</th>"
            html += "<th scope=\"col\">Median change</th>"
        }
        html += "</tr></thead><tbody>\n"
        var departments = Dictionary(
            s.metrics.chargeLag.map { (ScrubSummary.groupKey($0.key), $0.value) },
            uniquingKeysWith: { $0.merging($1, uniquingKeysWith: +) }
        ).mapValues { ScrubSummary.lagStatistics($0, threshold: threshold) }
        // With a previous run, its departments with lags too, so none of its figures is lost.
        for (name, old) in before ?? [:] where old.lines > 0 && departments[name] == nil {
            departments[name] = ScrubSummary.LagStatistics()
        }
        for (name, d) in departments.sorted(by: { $0.key < $1.key })
        where d.lines > 0 || (before?[name]?.lines ?? 0) > 0 {
            html += "<tr>\(rowHeader(name))<td>\(ReportFormat.count(d.lines))</td>"
            if d.lines > 0 {
                html += "<td>\(d.median)</td><td>\(d.p90)</td>"
                html += "<td>\(ReportFormat.percent(Double(d.overThreshold) / Double(d.lines)))</td>"
            } else {
                html += "<td>—</td><td>—</td><td>—</td>"
            }
            if let before {
                let old = before[name]
                html += "<td>\(old.map { $0.lines > 0 ? String($0.median) : "" } ?? "")</td>"
                html += "<td>\(old.map { $0.lines > 0 ? String($0.p90) : "" } ?? "")</td>"
                // Days, signed, as the other tables' change columns; a department of one run only
                // says which.
                let change: String
                if let old, old.lines > 0 {
                    change = d.lines > 0 ? ReportFormat.signedCount(Int(d.median) - Int(old.median)) : "no lines"
                } else {
                    change = "new"
                }
                html += "<td class=\"change\">\(change)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    /// The most weeks the trend chart draws as a continuous axis (three years).
    static let maximumTrendWeeks = 156

    static func weeklyTrend(_ s: ScrubSummary) -> String {
        // Weeks in time order; the lines without a usable date of service ("(none)") last, not
        // first on the timeline.
        let dated = s.metrics.weeks.filter { $0.key != ISOWeek.none }.sorted { $0.key < $1.key }
        let weeks = dated + s.metrics.weeks.filter { $0.key == ISOWeek.none }.map { ($0.key, $0.value) }
        // The chart's axis is time: a week without lines is an empty column (a late charge a year
        // back sat beside this month's weeks), unless the weeks span more than the chart can show.
        let span = dated.isEmpty ? 0 : Int(dated.last!.key) - Int(dated.first!.key) + 1
        let continuous = span <= maximumTrendWeeks
        var charted = weeks
        if continuous && span > dated.count {
            let first = dated.first!.key
            charted = (0..<Int32(span)).map { (first + $0, s.metrics.weeks[first + $0] ?? GroupTally()) }
            charted += weeks.filter { $0.0 == ISOWeek.none }
        }
        let bars = charted.map { week, t in
            SVGChart.Bar(
                label: ISOWeek.label(week), value: Double(t.lines),
                display: "\(ReportFormat.count(t.lines)) lines, \(ReportFormat.count(t.held)) held",
                part: Double(t.held))
        }
        var description =
            dated.isEmpty
            ? (weeks.isEmpty ? "No lines." : "No line has a usable date of service.")
            : "Lines per ISO week of service, held lines darker, from \(ISOWeek.label(dated.first!.key)) "
                + "to \(ISOWeek.label(dated.last!.key)); busiest week "
                + "\(ISOWeek.label(dated.max { ($0.value.lines, $1.key) < ($1.value.lines, $0.key) }!.key))."
        if !continuous {
            description += " The weeks span more than \(maximumTrendWeeks): weeks without lines are left out."
        }
        if let undated = s.metrics.weeks[ISOWeek.none], !dated.isEmpty, undated.lines > 0 {
            description += " \(ReportFormat.count(undated.lines)) lines without a usable date of service, last."
        }
        var html = "<section id=\"weeks\">\n<h2>\(Title.weeklyTrend)</h2>\n<figure>\n"
        html += SVGChart.columns(
            id: "chart-weeks", title: Title.weeklyTrend, description: description, bars: bars, color: "#9fb8d6",
            partColor: "#b4462f", yLabel: "lines")
        html += "\n<figcaption>\(HTML.escape(description))</figcaption>\n</figure>\n"
        html += "<table><caption>Weekly trend (text alternative)</caption><thead><tr>"
        html += "<th scope=\"col\">Week of service</th><th scope=\"col\">Lines</th><th scope=\"col\">Held</th>"
        html += "<th scope=\"col\">Error rate</th><th scope=\"col\">Findings</th><th scope=\"col\">Held dollars</th>"
        html += "</tr></thead><tbody>\n"
        for (week, t) in weeks {
            html += "<tr><th scope=\"row\">\(ISOWeek.label(week))</th><td>\(ReportFormat.count(t.lines))</td>"
            html += "<td>\(ReportFormat.count(t.held))</td>"
            html += "<td>\(ReportFormat.percent(t.lines > 0 ? Double(t.held) / Double(t.lines) : 0))</td>"
            html += "<td>\(ReportFormat.count(t.findings))</td><td>\(ReportFormat.dollars(t.heldCents))</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    /// The groups with the highest error rate (held lines / lines), then most held, then by name.
    static func ranked(_ groups: [(String, GroupTally)]) -> (rows: [(String, GroupTally)], minimum: Int) {
        func rate(_ t: GroupTally) -> Double { t.lines > 0 ? Double(t.held) / Double(t.lines) : 0 }
        let large = groups.filter { $0.1.lines >= rankingMinimumLines }
        let minimum = large.count >= rankedRows ? rankingMinimumLines : 1
        let pool = minimum > 1 ? large : groups
        let rows = pool.sorted {
            let a = (rate($0.1), $0.1.held)
            let b = (rate($1.1), $1.1.held)
            return a != b ? a > b : $0.0 < $1.0
        }
        return (Array(rows.prefix(rankedRows)), minimum)
    }

    static func rankings(
        title: String, id: String, keyHeader: String, groups: [(String, GroupTally)], previous: [String: GroupTally]?
    ) -> String {
        let (rows, minimum) = ranked(groups)
        var html = "<section id=\"\(id)\">\n<h2>\(title)</h2>\n"
        html += "<table><caption>\(title)"
        if minimum > 1 { html += " (at least \(minimum) lines)" }
        html += "</caption><thead><tr><th scope=\"col\">\(keyHeader)</th><th scope=\"col\">Lines</th>"
        html += "<th scope=\"col\">Held</th><th scope=\"col\">Error rate</th><th scope=\"col\">Findings</th>"
        html += "<th scope=\"col\">Held dollars</th>"
        if previous != nil { html += "<th scope=\"col\">Error rate, previous</th><th scope=\"col\">Change</th>" }
        html += "</tr></thead><tbody>\n"
        for (name, t) in rows {
            let rate = t.lines > 0 ? Double(t.held) / Double(t.lines) : 0
            html += "<tr>\(rowHeader(name))<td>\(ReportFormat.count(t.lines))</td>"
            html += "<td>\(ReportFormat.count(t.held))</td><td>\(ReportFormat.percent(rate))</td>"
            html += "<td>\(ReportFormat.count(t.findings))</td><td>\(ReportFormat.dollars(t.heldCents))</td>"
            if let previous {
                if let old = previous[name], old.lines > 0 {
                    let oldRate = Double(old.held) / Double(old.lines)
                    html +=
                        "<td>\(ReportFormat.percent(oldRate))</td><td class=\"change\">\(ReportFormat.signedPoints(rate - oldRate))</td>"
                } else {
                    html += "<td>—</td><td class=\"change\">new</td>"
                }
            }
            html += "</tr>\n"
        }
        if rows.isEmpty { html += "<tr><td colspan=\"6\">No lines.</td></tr>\n" }
        return html + "</tbody></table>\n</section>\n"
    }

    static func payers(_ s: ScrubSummary, _ p: ScrubSummary?) -> String {
        let before = p.map { byKey($0.metrics.payers) }
        // With a previous run, its payers too (no lines this run), as in the department table.
        var tallies = byKey(s.metrics.payers)
        for name in (before ?? [:]).keys where tallies[name] == nil { tallies[name] = GroupTally() }
        let payers = tallies.sorted { $0.key < $1.key }
        var html = "<section id=\"payers\">\n<h2>Error rates by payer</h2>\n<table><thead><tr>"
        html += "<th scope=\"col\">Payer</th><th scope=\"col\">Lines</th><th scope=\"col\">Held</th>"
        html +=
            "<th scope=\"col\">Error rate</th><th scope=\"col\">Finding rate</th><th scope=\"col\">Held dollars</th>"
        html += "<th scope=\"col\">At risk</th>"
        if p != nil { html += "<th scope=\"col\">Error rate, previous</th><th scope=\"col\">Change</th>" }
        html += "</tr></thead><tbody>\n"
        for (name, t) in payers {
            let lines = Double(max(1, t.lines))
            let rate = Double(t.held) / lines
            html += "<tr>\(rowHeader(name))<td>\(ReportFormat.count(t.lines))</td>"
            html += "<td>\(ReportFormat.count(t.held))</td><td>\(t.lines > 0 ? ReportFormat.percent(rate) : "—")</td>"
            html += "<td>\(t.lines > 0 ? ReportFormat.percent(Double(t.flagged) / lines) : "—")</td>"
            html += "<td>\(ReportFormat.dollars(t.heldCents))</td><td>\(ReportFormat.dollars(t.atRiskCents))</td>"
            if let before {
                let old = before[name].flatMap { $0.lines > 0 ? Double($0.held) / Double($0.lines) : nil }
                switch (old, t.lines > 0) {
                case let (old?, true):
                    html += "<td>\(ReportFormat.percent(old))</td>"
                    html += "<td class=\"change\">\(ReportFormat.signedPoints(rate - old))</td>"
                case let (old?, false):
                    html += "<td>\(ReportFormat.percent(old))</td><td class=\"change\">no lines</td>"
                case (nil, _): html += "<td>—</td><td class=\"change\">new</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    static func tablesUsed(_ s: ScrubSummary) -> String {
        var html = "<section id=\"tables\">\n<h2>Code table releases used</h2>\n<table><thead><tr>"
        html += "<th scope=\"col\" class=\"text\">Kind</th><th scope=\"col\" class=\"text\">Release</th>"
        html += "<th scope=\"col\" class=\"text\">File</th>"
        html +=
            "<th scope=\"col\" class=\"text\">Service dates</th><th scope=\"col\">Entries</th></tr></thead><tbody>\n"
        for t in s.tables {
            let dates = "\(t.effective ?? "…") to \(t.through ?? "…")"
            html +=
                "<tr><td class=\"text\">\(HTML.escape(t.kind))</td><td class=\"text\">\(HTML.escape(t.release))</td>"
            html += "<td class=\"text\">\(HTML.escape(t.file))</td><td class=\"text\">\(HTML.escape(dates))</td>"
            html += "<td>\(ReportFormat.count(t.entries))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if !s.codeSetsNotLoaded.isEmpty {
            // What the run could not check: a gate that passed may have passed for want of a table.
            html += "<p id=\"not-loaded\"><strong>Not loaded:</strong> "
            html += s.codeSetsNotLoaded.map(HTML.escape).joined(separator: ", ")
            html += ". Codes of these sets got a form check only, or their rules did not run.</p>\n"
        }
        let asOf = DayNumber.parse(s.run.asOf)
        if DayNumber.isDate(asOf), let release = TableListing.staleHCPCSRelease(s.tables, asOf: asOf) {
            // Open-ended, an old HCPCS file calls every code created since it unknown.
            html += "<p id=\"out-of-date\"><strong>Out of date:</strong> the newest HCPCS release loaded, "
            html += "\(HTML.escape(release)), is of a year before the run's date \(HTML.escape(s.run.asOf)) "
            html += "and served its later dates of service: codes created since it got C01.</p>\n"
        }
        if let m04 = s.metrics.notChecked[.M04], m04 > 0 {
            html += "<p id=\"not-checked\"><strong>Not checked:</strong> M04 (Excludes1 pairs) on "
            html += "\(ReportFormat.count(m04)) line\(m04 == 1 ? "" : "s") with two diagnoses or more, dated where no "
            html += "Excludes1 list serves.</p>\n"
        }
        return html + "</section>\n"
    }

    static let style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;background:#fff;margin:0}
        main{max-width:900px;margin:0 auto;padding:24px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd}
        .meta{color:#555;margin:0 0 16px}
        table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
        caption{text-align:left;font-weight:600;padding:4px 0}
        th,td{border-bottom:1px solid #e4e4e4;padding:3px 10px;text-align:right;overflow-wrap:break-word}
        th.long{overflow-wrap:anywhere}td,th.id{white-space:nowrap}td.text{white-space:normal}
        th[scope=row],td:first-child,thead th:first-child,.text{text-align:left}thead th{background:#f3f5f8}
        .change{font-weight:600}
        figure{margin:8px 0}figcaption{color:#444;font-size:13px}
        svg{max-width:100%;height:auto}
        @media (max-width:820px),print{main{padding:12px}th,td{padding:3px 5px}table{font-size:12px}}
        """
}
