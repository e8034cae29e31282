/// An array that only grows at its end, kept in pages of a fixed size (65,536 elements).
///
/// One growing `Array` doubles its capacity as elements come, so it holds up to twice what it
/// needs, and three times while it copies itself over: per-claim and per-record facts of a
/// claim file grew the run's peak that way (a 6M-line 837P kept two `[Int]`s of about 2.4M claims
/// at a capacity of 4.2M each). Pages are allocated whole, one at a time, and never copied.
struct PagedArray<Element: Sendable>: Sendable {
    private static var pageShift: Int { 16 }
    private static var pageSize: Int { 1 << pageShift }
    private var pages: [[Element]] = []
    private(set) var count = 0

    init() {}

    init(_ elements: some Sequence<Element>) {
        append(contentsOf: elements)
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: Element) {
        if count & (Self.pageSize - 1) == 0 {
            var page: [Element] = []
            page.reserveCapacity(Self.pageSize)
            pages.append(page)
        }
        pages[pages.count - 1].append(element)
        count += 1
    }

    mutating func append(contentsOf elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "PagedArray index out of range")
        return pages[index >> Self.pageShift][index & (Self.pageSize - 1)]
    }

    var last: Element? { count == 0 ? nil : self[count - 1] }
}
