/// Writes claims into a valid 837: each claim's own segments unchanged, the envelope, header loops
/// and control counts rebuilt around them.
///
/// A loop is written again whenever the claim comes from a different source loop than the claim
/// before it in this output; HL numbers count from 1 in each transaction set, SE01 counts the
/// segments written, GE01 the transaction sets, IEA01 the groups. Control numbers (ISA13, GS06,
/// ST02) are the source's, so a claim can be traced to the interchange it came from.
///
/// Without an output the writer keeps what it writes in memory until `take()`: pass 2's workers
/// each write the claims of a chunk of whole interchanges, and the bytes go to the file in order.
final class X12ClaimWriter {
    let output: OutputFile?
    @exclusivity(unchecked) private var interchangeSerial = 0
    @exclusivity(unchecked) private var groupSerial = 0
    @exclusivity(unchecked) private var transactionSerial = 0
    @exclusivity(unchecked) private var billingSerial = -1
    @exclusivity(unchecked) private var subscriberKey = (serial: -1, withPatient: false)
    @exclusivity(unchecked) private var patientSerial = -1
    @exclusivity(unchecked) private var delimiters = X12Delimiters()
    private var isa13: [UInt8] = []
    private var gs06: [UInt8] = []
    private var st02: [UInt8] = []
    @exclusivity(unchecked) private var groups = 0
    @exclusivity(unchecked) private var transactions = 0
    @exclusivity(unchecked) private var segments = 0
    @exclusivity(unchecked) private var hl = 0
    @exclusivity(unchecked) private var billingHL = 0
    @exclusivity(unchecked) private var subscriberHL = 0
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    /// Claims written.
    @exclusivity(unchecked) private(set) var claims = 0
    /// Where an HL segment is put together (two numbers, a level, separators: under 64 bytes).
    private let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)

    init(output: OutputFile?, capacity: Int = 1 << 16) {
        self.output = output
        buffer.reserveCapacity(capacity)
    }

    deinit { scratch.deallocate() }

    /// What was written since the last `take()` (a writer without an output).
    func take() -> [UInt8] {
        let taken = buffer
        buffer = []
        return taken
    }

    func write(_ claim: X12ClaimReader) throws {
        if claim.interchange.serial != interchangeSerial {
            closeInterchange()
            interchangeSerial = claim.interchange.serial
            delimiters = claim.isaDelimiters
            isa13 = Self.element(13, of: claim.isa, separator: delimiters.element)
            segment(claim.isa)
            groups = 0
        }
        if claim.group.serial != groupSerial {
            closeGroup()
            groupSerial = claim.group.serial
            gs06 = Self.element(6, of: claim.gs, separator: delimiters.element)
            segment(claim.gs)
            groups += 1
            transactions = 0
        }
        if claim.transactionHeader.serial != transactionSerial {
            closeTransaction()
            transactionSerial = claim.transactionHeader.serial
            st02 = claim.st02
            buffer.append(claim.transactionHeader.bytes)
            segments = claim.transactionHeader.segments
            transactions += 1
            hl = 0
            billingSerial = -1
        }
        if claim.billing.serial != billingSerial {
            billingSerial = claim.billing.serial
            hl += 1
            billingHL = hl
            hlSegment(hl, parent: nil, level: "20", child: true)
            buffer.append(claim.billing.bytes)
            segments += claim.billing.segments
            subscriberKey = (-1, false)
        }
        if claim.subscriber.serial != subscriberKey.serial || claim.hasPatientLoop != subscriberKey.withPatient {
            subscriberKey = (claim.subscriber.serial, claim.hasPatientLoop)
            hl += 1
            subscriberHL = hl
            hlSegment(hl, parent: billingHL, level: "22", child: claim.hasPatientLoop)
            buffer.append(claim.subscriber.bytes)
            segments += claim.subscriber.segments
            patientSerial = -1
        }
        if claim.hasPatientLoop && claim.patient.serial != patientSerial {
            patientSerial = claim.patient.serial
            hl += 1
            hlSegment(hl, parent: subscriberHL, level: "23", child: false)
            buffer.append(claim.patient.bytes)
            segments += claim.patient.segments
        }
        if let output {
            // The claim's bytes go straight to the output (one copy fewer than through the buffer).
            try flush()
            try claim.claimBytes.withBytes { try output.write($0) }
        } else {
            buffer.append(claim.claimBytes)
        }
        segments += claim.claimSegments
        claims += 1
    }

    /// Writes the open trailers.
    func finish() throws {
        closeInterchange()
        try flush()
    }

    private func flush() throws {
        guard let output, !buffer.isEmpty else { return }
        try output.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func segment(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        buffer.append(delimiters.segment)
        buffer.append(contentsOf: delimiters.lineBreak)
    }

    private func segment(_ elements: [[UInt8]]) {
        for (i, e) in elements.enumerated() {
            if i > 0 { buffer.append(delimiters.element) }
            buffer.append(contentsOf: e)
        }
        buffer.append(delimiters.segment)
        buffer.append(contentsOf: delimiters.lineBreak)
    }

    /// `HL*number*parent*level*child`, written in place: one is written per claim or so, and
    /// building it from arrays of elements allocated five arrays each time. It is put together in
    /// `scratch` and appended once: appending byte by byte to the buffer (a class's array, checked
    /// for uniqueness and capacity each time) and the numbers through `String` cost about 600
    /// instructions a segment.
    private func hlSegment(_ number: Int, parent: Int?, level: StaticString, child: Bool) {
        let p = scratch
        let separator = delimiters.element
        p[0] = 0x48
        p[1] = 0x4C
        p[2] = separator
        var n = 3 + Self.putDecimal(number, at: p + 3)
        p[n] = separator
        n += 1
        if let parent { n += Self.putDecimal(parent, at: p + n) }
        p[n] = separator
        n += 1
        level.withUTF8Buffer { text in
            for c in text {
                p[n] = c
                n += 1
            }
        }
        p[n] = separator
        p[n + 1] = child ? 0x31 : 0x30
        p[n + 2] = delimiters.segment
        n += 3
        for c in delimiters.lineBreak {
            p[n] = c
            n += 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        segments += 1
    }

    /// Writes the digits of `value` (≥ 0) at `p`; returns how many.
    private static func putDecimal(_ value: Int, at p: UnsafeMutablePointer<UInt8>) -> Int {
        var rest = UInt(value)
        var digits = 0
        repeat {
            digits += 1
            rest /= 10
        } while rest > 0
        rest = UInt(value)
        var i = digits
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
        } while rest > 0
        return digits
    }

    private func closeTransaction() {
        guard transactionSerial != 0 else { return }
        segments += 1
        segment([Array("SE".utf8), Array(String(segments).utf8), st02])
        transactionSerial = 0
    }

    private func closeGroup() {
        closeTransaction()
        guard groupSerial != 0 else { return }
        segment([Array("GE".utf8), Array(String(transactions).utf8), gs06])
        groupSerial = 0
    }

    private func closeInterchange() {
        closeGroup()
        guard interchangeSerial != 0 else { return }
        segment([Array("IEA".utf8), Array(String(groups).utf8), isa13])
        interchangeSerial = 0
    }

    static func element(_ index: Int, of segment: [UInt8], separator: UInt8) -> [UInt8] {
        var field = 0
        var from = 0
        for i in 0...segment.count where i == segment.count || segment[i] == separator {
            if field == index { return Array(segment[from..<i]) }
            field += 1
            from = i + 1
        }
        return []
    }
}
