/// Recognises zstd data by its first bytes, never by a file name.
public enum ZstdFormat {
    /// True when `prefix` starts a zstd frame (28 B5 2F FD) or a skippable frame (5? 2A 4D 18).
    public static func isCompressed(prefix: some Collection<UInt8>) -> Bool {
        let bytes = Array(prefix.prefix(4))
        guard bytes.count == 4 else { return false }
        if bytes == [0x28, 0xB5, 0x2F, 0xFD] { return true }
        return bytes[0] & 0xF0 == 0x50 && bytes[1] == 0x2A && bytes[2] == 0x4D && bytes[3] == 0x18
    }
}
