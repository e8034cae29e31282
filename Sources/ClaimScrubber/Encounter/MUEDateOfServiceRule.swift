/// E05: units of a code summed over one patient, date and provider over its MUE when the MUE is a
/// date-of-service edit (MAI 2 or 3); credits subtract. Over the limit, every line of that code in
/// the group is held: the MUE denies all those units.
struct MUEDateOfServiceRule: EncounterRule {
    var ids: [RuleID] { [.E05] }

    struct Key: Hashable {
        var code: UInt64
        var provider: UInt32
        var institutional: Bool
    }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        let mue = context.tables.mue
        var sums: [Key: (units: Int64, lines: [Int])] = [:]
        for (i, line) in zip(lines.indices, lines) {
            let key = Key(code: line.code, provider: line.provider, institutional: line.isInstitutional)
            sums[key, default: (0, [])].units += Int64(line.units)
            sums[key]!.lines.append(i)
        }
        for (key, group) in sums {
            let first = lines[group.lines[0]]
            guard let limit = mue.limit(code: key.code, on: first.day, setting: first.setting), limit.mai == 2 || limit.mai == 3,
                group.units > Int64(limit.value)
            else { continue }
            for i in group.lines {
                let line = lines[i]
                guard let severity = context.severity(.E05, line) else { continue }
                out.append(
                    EncounterFinding(
                        line: line, rule: .E05, severity: severity, other: UInt64(limit.mai),
                        number: Int64(limit.value), number2: group.units))
            }
        }
    }
}
