extension ChargeBatch {
    /// One past the last diagnosis column that holds anything (a code or `PackedCode.invalid`) on
    /// any record of the batch: 0–12. The diagnosis rules look at that many columns per record.
    ///
    /// Most extracts carry four diagnosis columns or fewer, and most lines one or two codes, so
    /// twelve loads, tests and branches per record and rule were most of what those rules spent.
    /// One pass ORs each record's twelve slots into three vector accumulators (a few instructions
    /// a record) and reads the answer off them; reading the layout's columns instead was the
    /// alternative, but it relies on the parser leaving absent columns zero, while this reads the
    /// values themselves.
    var diagnosisWidth: Int {
        let records = min(count, diagnoses.count / 12)
        let any = diagnoses.withUnsafeBytes { raw -> UInt16 in
            guard let base = raw.baseAddress else { return 0 }
            var a = SIMD4<UInt64>()
            var b = SIMD4<UInt64>()
            var c = SIMD4<UInt64>()
            for r in 0..<records {
                let row = base + r &* 96
                a |= row.loadUnaligned(as: SIMD4<UInt64>.self)
                b |= (row + 32).loadUnaligned(as: SIMD4<UInt64>.self)
                c |= (row + 64).loadUnaligned(as: SIMD4<UInt64>.self)
            }
            var mask: UInt16 = 0
            for k in 0..<4 {
                if a[k] != 0 { mask |= 1 << k }
                if b[k] != 0 { mask |= 1 << (k + 4) }
                if c[k] != 0 { mask |= 1 << (k + 8) }
            }
            return mask
        }
        return 16 - any.leadingZeroBitCount
    }
}
