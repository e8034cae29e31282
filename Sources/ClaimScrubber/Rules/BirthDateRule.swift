/// D05: a birth date after the date of service, or an age over 124 on it.
///
/// The birth date is patient identity: the finding's value stays empty and the message names the field.
struct BirthDateRule: LineRule {
    var ids: [RuleID] { [.D05] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        for r in 0..<batch.count where batch.isCheckable(r) {
            let service = batch.serviceDay[r]
            let born = batch.birthDay[r]
            guard DayNumber.isDate(service) && DayNumber.isDate(born) else { continue }
            if born > service {
                sink.add(
                    .D05, record: r, field: "patient_dob", message: "patient_dob is after the date of service",
                    payer: batch.payerName(r))
            } else if service - born > 124 * 365 && DayNumber.age(born: born, on: service) > 124 {
                sink.add(
                    .D05, record: r, field: "patient_dob", message: "patient_dob gives an age over 124 years",
                    payer: batch.payerName(r))
            }
        }
    }
}
