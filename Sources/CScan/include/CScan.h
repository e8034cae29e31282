// Byte scans the CSV path runs over every input byte, twice per run: finding the structural bytes
// (delimiter, double quote, newline) of a chunk, and where records end. Written in C because they
// need the SIMD byte-mask instruction (SSE2 `pmovmskb` on x86-64), which Swift does not expose; the
// Swift emulation of it (lane weights and a horizontal add) cost several times the instructions.
// Other targets get a portable scalar version with the same results.
#ifndef CSCAN_H
#define CSCAN_H

#include <stddef.h>
#include <stdint.h>

/// Sets bit (i % 64) of out[i / 64] for each i < n where p[i] is `delimiter`, '"' or '\n', and
/// clears the others. `out` holds (n + 63) / 64 words. Returns an offset before which every byte is
/// ASCII (below 0x80): the start of the first 64-byte block holding a byte 0x80 or above, or n.
size_t cscan_structural(const uint8_t *p, size_t n, uint8_t delimiter, uint64_t *out);

/// The number of '"' and of '\n' bytes in p[0..<n).
void cscan_count(const uint8_t *p, size_t n, size_t *quotes, size_t *newlines);

/// Starting outside quotes at p[0]: the offset of the first '\n' outside double quotes, or n when
/// there is none. `*newlines` gets the number of '\n' bytes in p[0...end] (p[0..<n) when none).
size_t cscan_record_end(const uint8_t *p, size_t n, size_t *newlines);

#endif
