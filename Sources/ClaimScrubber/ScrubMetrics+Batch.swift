/// Management metrics gathered from one parsed batch (issue 5 fills this in).
extension ScrubMetrics {
    /// Adds what one batch contributes beyond the basic counts: per department, provider and
    /// payer, dollars, charge lag, weeks of service, top codes. `held` lists the batch's held
    /// records (index within the batch, ascending); `findings` are sorted by record.
    mutating func accumulate(batch: ChargeBatch, findings: [Finding], held: [Int32]) {
    }
}
