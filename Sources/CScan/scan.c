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

void cscan_count(const uint8_t *p, size_t n, size_t *quotes, size_t *newlines) {
    size_t qs = 0, ls = 0, i = 0;
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    const __m128i l = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        // Per-lane byte counters (a compare is -1 where it matches), summed before they can wrap.
        __m128i qa = zero, la = zero;
        size_t end = i + 255 * 16 <= n ? i + 255 * 16 : n;
        for (; i + 16 <= end; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            qa = _mm_sub_epi8(qa, _mm_cmpeq_epi8(v, q));
            la = _mm_sub_epi8(la, _mm_cmpeq_epi8(v, l));
        }
        __m128i qsum = _mm_sad_epu8(qa, zero), lsum = _mm_sad_epu8(la, zero);
        qs += (size_t)_mm_cvtsi128_si32(qsum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(qsum, 8));
        ls += (size_t)_mm_cvtsi128_si32(lsum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(lsum, 8));
    }
#endif
    for (; i < n; i++) {
        qs += p[i] == '"';
        ls += p[i] == '\n';
    }
    *quotes = qs;
    *newlines = ls;
}

size_t cscan_record_end(const uint8_t *p, size_t n, size_t *newlines) {
    size_t ls = 0, i = 0;
    int inQuotes = 0;
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    const __m128i l = _mm_set1_epi8('\n');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i qv = _mm_cmpeq_epi8(v, q);
        __m128i lv = _mm_cmpeq_epi8(v, l);
        // Most blocks hold neither: one mask answers that.
        if (_mm_movemask_epi8(_mm_or_si128(qv, lv)) == 0) continue;
        uint32_t qm = (uint32_t)_mm_movemask_epi8(qv);
        uint32_t lm = (uint32_t)_mm_movemask_epi8(lv);
        if (qm == 0 && !inQuotes) {
            *newlines = ls + 1;
            return i + (size_t)__builtin_ctz(lm);
        }
        // Quotes in the block: walk its quotes and newlines in order.
        uint32_t all = qm | lm;
        while (all) {
            int k = __builtin_ctz(all);
            all &= all - 1;
            if (qm & (1u << k)) {
                inQuotes ^= 1;
            } else {
                ls += 1;
                if (!inQuotes) {
                    *newlines = ls;
                    return i + (size_t)k;
                }
            }
        }
    }
#endif
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"') {
            inQuotes ^= 1;
        } else if (c == '\n') {
            ls += 1;
            if (!inQuotes) {
                *newlines = ls;
                return i;
            }
        }
    }
    *newlines = ls;
    return n;
}
