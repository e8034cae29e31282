// Byte scans the CSV path runs over every input byte, twice per run: finding the structural bytes
// (delimiter, double quote, newline) of a chunk, and where records end. Written in C because they
// need the SIMD byte-mask instruction (SSE2 `pmovmskb` on x86-64), which Swift does not expose; the
// Swift emulation of it (lane weights and a horizontal add) cost several times the instructions.
// The record scan also has a 64-byte AVX2 path, chosen at run time on CPUs that have AVX2 (the
// build's baseline is x86-64 without it). Other targets get a portable scalar version with the same
// results.
#ifndef CSCAN_H
#define CSCAN_H

#include <stddef.h>
#include <stdint.h>

/// Sets bit (i % 64) of out[i / 64] for each i < n where p[i] is `delimiter`, '"' or '\n', and
/// clears the others. `out` holds (n + 63) / 64 words. Returns an offset before which every byte is
/// ASCII (below 0x80): the start of the first 64-byte block holding a byte 0x80 or above, or n.
size_t cscan_structural(const uint8_t *p, size_t n, uint8_t delimiter, uint64_t *out);

/// Where records end in p[0..<n), p[0] being a record's first byte. A '"' opens a quoted field only
/// at a field's start (the record's first byte, or right after `delimiter` or a '\n') or right after
/// the quote that closed it (a doubled quote); elsewhere it is a byte of its field. A '\n' outside a
/// quoted field ends a record. With `first`, the offset of the first record end; without, of the
/// last; n when no record ends. `*newlines_to_end` gets the number of '\n' bytes up to and including
/// that end (in all of p[0..<n) when none), `*newlines_total` in p up to where the scan stopped (all
/// of p[0..<n) unless `first` found an end).
size_t cscan_records(const uint8_t *p, size_t n, uint8_t delimiter, int first, size_t *newlines_to_end,
                     size_t *newlines_total);

/// `cscan_records` without the AVX2 path it takes on CPUs that have it (16-byte SSE2 blocks, or
/// bytes): the same results, for tests to hold the two paths to each other.
size_t cscan_records_portable(const uint8_t *p, size_t n, uint8_t delimiter, int first, size_t *newlines_to_end,
                              size_t *newlines_total);

/// 1 when p[0..<n) holds a ',', '"', '\n' or '\r' (a CSV field that must be quoted), else 0.
int cscan_needs_quotes(const uint8_t *p, size_t n);

/// 1 when `cscan_records` takes its AVX2 path on this CPU (x86-64 with AVX2), else 0.
int cscan_has_avx2(void);

#endif
