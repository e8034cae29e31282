#include "CScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>

#endif

size_t cscan_structural(const uint8_t *p, size_t n, uint8_t delimiter, uint64_t *out) {
    size_t i = 0;
    size_t ascii = n;
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i q = _mm_set1_epi8('"');
    const __m128i l = _mm_set1_epi8('\n');
    for (; i + 64 <= n; i += 64) {
        uint64_t m = 0;
        __m128i high = _mm_setzero_si128();
        for (int k = 0; k < 4; k++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i + 16 * k));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, q)), _mm_cmpeq_epi8(v, l));
            m |= (uint64_t)(uint32_t)_mm_movemask_epi8(hit) << (16 * k);
            high = _mm_or_si128(high, v);
        }
        out[i >> 6] = m;
        if (ascii == n && _mm_movemask_epi8(high) != 0) ascii = i;
    }
#endif
    if (i < n) {
        uint64_t m = 0;
        for (size_t k = i; k < n; k++) {
            uint8_t c = p[k];
            if (c == delimiter || c == '"' || c == '\n') m |= (uint64_t)1 << (k - i);
            if (c >= 0x80 && ascii == n) ascii = i;
        }
        out[i >> 6] = m;
    }
    return ascii;
}

/* The record rule shared by the chunk reader, pass 2's record splitter and the parser: a '"' opens
   a quoted field only at a field's start (the record's first byte, or right after the delimiter or a
   newline) or right after the quote that closed one (a doubled quote); anywhere else it is a byte of
   the field (as spreadsheet and database CSV readers take it). Inside a quoted field a '"' closes it.
   A '\n' outside a quoted field ends the record. p[0] starts a record. */
static inline void quote_at(const uint8_t *p, size_t x, uint8_t delimiter, int *in_quotes, size_t *close_at) {
    if (*in_quotes) {
        *in_quotes = 0;
        *close_at = x;
    } else if (x == 0 || p[x - 1] == delimiter || p[x - 1] == '\n' || *close_at + 1 == x) {
        *in_quotes = 1;
    }
}

size_t cscan_records(const uint8_t *p, size_t n, uint8_t delimiter, int first, size_t *newlines_to_end,
                     size_t *newlines_total) {
    size_t ls = 0, i = 0, end = n, ls_end = 0;
    size_t close_at = (size_t)-2; /* where the last quoted field closed; none yet */
    int in_quotes = 0;
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    const __m128i l = _mm_set1_epi8('\n');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i qv = _mm_cmpeq_epi8(v, q);
        __m128i lv = _mm_cmpeq_epi8(v, l);
        /* Most blocks hold neither: one mask answers that. */
        if (_mm_movemask_epi8(_mm_or_si128(qv, lv)) == 0) continue;
        uint32_t qm = (uint32_t)_mm_movemask_epi8(qv);
        uint32_t lm = (uint32_t)_mm_movemask_epi8(lv);
        if (qm == 0) {
            /* No quote, so no change of state: the block's newlines all end records, or none does. */
            if (in_quotes) {
                ls += (size_t)__builtin_popcount(lm);
                continue;
            }
            if (first) {
                *newlines_to_end = *newlines_total = ls + 1;
                return i + (size_t)__builtin_ctz(lm);
            }
            ls += (size_t)__builtin_popcount(lm);
            end = i + 31 - (size_t)__builtin_clz(lm);
            ls_end = ls;
            continue;
        }
        /* Quotes in the block: its quotes and newlines in order. */
        uint32_t all = qm | lm;
        while (all) {
            int k = __builtin_ctz(all);
            all &= all - 1;
            size_t x = i + (size_t)k;
            if (qm & (1u << k)) {
                quote_at(p, x, delimiter, &in_quotes, &close_at);
            } else {
                ls += 1;
                if (!in_quotes) {
                    if (first) {
                        *newlines_to_end = *newlines_total = ls;
                        return x;
                    }
                    end = x;
                    ls_end = ls;
                }
            }
        }
    }
#endif
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"') {
            quote_at(p, i, delimiter, &in_quotes, &close_at);
        } else if (c == '\n') {
            ls += 1;
            if (!in_quotes) {
                if (first) {
                    *newlines_to_end = *newlines_total = ls;
                    return i;
                }
                end = i;
                ls_end = ls;
            }
        }
    }
    *newlines_total = ls;
    *newlines_to_end = end == n ? ls : ls_end;
    return end;
}
