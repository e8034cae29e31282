/// C08: a place-of-service code that is not a CMS code (two digits, in the loaded list; with no
/// list loaded, two digits).
struct PlaceOfServiceRule: LineRule {
    var ids: [RuleID] { [.C08] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let valid = context.tables.placeOfService
        // Without a place-of-service list, the form only (as for any code set not loaded).
        let listed = valid.isLoaded
        for r in 0..<batch.count where batch.isCheckable(r) {
            let pos = batch.placeOfService[r]
            if pos == 255 { continue }
            if pos == 254 || (listed && !valid.contains(pos)) {
                sink.add(
                    .C08, record: r, field: "place_of_service", value: batch.text(.placeOfService, r),
                    message: pos == 254
                        ? "place of service is not a two-digit code" : "place of service code is not a CMS code",
                    payer: batch.payerName(r))
            }
        }
    }
}
