/// Keeps glibc's allocator from holding on to freed chunk buffers.
///
/// By default glibc raises its mmap threshold after large blocks are freed, so later multi-MiB
/// chunk buffers come from the heap of whichever thread allocated them and stay in its arena after
/// being freed: resident memory creeps up with the number of worker threads. A fixed threshold
/// keeps buffers of 1 MiB and more in their own mappings, returned to the system when freed, and
/// two arenas bound the per-thread heaps.
public enum MemoryTuning {
    public static func apply() {
        #if os(Linux)
        // <malloc.h> values; the Glibc module does not export mallopt.
        _ = mallopt(-3, 1 << 20)  // M_MMAP_THRESHOLD
        _ = mallopt(-8, 2)  // M_ARENA_MAX
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
