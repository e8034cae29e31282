#include "CScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
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

/* Where the record scan stands between blocks. */
struct records_state {
    size_t ls;       /* newlines so far */
    size_t end;      /* the last record end so far (n: none) */
    size_t ls_end;   /* newlines up to and including `end` */
    size_t close_at; /* where the last quoted field closed; (size_t)-2: none yet */
    int in_quotes;
};

/* One block at p[i...] with a quote or a newline: bit k of qm (lm) is set when p[i + k] is '"'
   ('\n'). Returns 1 when `first` and a record ends in the block, with its offset in *found; 0
   otherwise. Shared by the 64-, 16- and 1-byte steps, so the record rule is written once. */
static inline int records_block(const uint8_t *p, size_t i, uint64_t qm, uint64_t lm, uint8_t delimiter, int first,
                                struct records_state *s, size_t *found) {
    if (qm == 0) {
        /* No quote, so no change of state: the block's newlines all end records, or none does. */
        if (s->in_quotes) {
            s->ls += (size_t)__builtin_popcountll(lm);
            return 0;
        }
        if (first) {
            s->ls += 1;
            *found = i + (size_t)__builtin_ctzll(lm);
            return 1;
        }
        s->ls += (size_t)__builtin_popcountll(lm);
        s->end = i + 63 - (size_t)__builtin_clzll(lm);
        s->ls_end = s->ls;
        return 0;
    }
    /* Quotes in the block: its quotes and newlines in order. */
    uint64_t all = qm | lm;
    while (all) {
        int k = __builtin_ctzll(all);
        all &= all - 1;
        size_t x = i + (size_t)k;
        if (qm & ((uint64_t)1 << k)) {
            quote_at(p, x, delimiter, &s->in_quotes, &s->close_at);
        } else {
            s->ls += 1;
            if (!s->in_quotes) {
                if (first) {
                    *found = x;
                    return 1;
                }
                s->end = x;
                s->ls_end = s->ls;
            }
        }
    }
    return 0;
}

/* cscan_records from offset i on, in 16-byte blocks then bytes; the whole scan on CPUs without AVX2
   and the tail of the AVX2 scan. */
static size_t records_from(const uint8_t *p, size_t n, size_t i, uint8_t delimiter, int first, struct records_state *s,
                           size_t *newlines_to_end, size_t *newlines_total) {
    size_t found;
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    const __m128i l = _mm_set1_epi8('\n');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i qv = _mm_cmpeq_epi8(v, q);
        __m128i lv = _mm_cmpeq_epi8(v, l);
        /* Most blocks hold neither: one mask answers that. */
        if (_mm_movemask_epi8(_mm_or_si128(qv, lv)) == 0) continue;
        uint64_t qm = (uint32_t)_mm_movemask_epi8(qv);
        uint64_t lm = (uint32_t)_mm_movemask_epi8(lv);
        if (records_block(p, i, qm, lm, delimiter, first, s, &found)) {
            *newlines_to_end = *newlines_total = s->ls;
            return found;
        }
    }
#endif
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c != '"' && c != '\n') continue;
        if (records_block(p, i, c == '"', c == '\n', delimiter, first, s, &found)) {
            *newlines_to_end = *newlines_total = s->ls;
            return found;
        }
    }
    *newlines_total = s->ls;
    *newlines_to_end = s->end == n ? s->ls : s->ls_end;
    return s->end;
}

size_t cscan_records_portable(const uint8_t *p, size_t n, uint8_t delimiter, int first, size_t *newlines_to_end,
                              size_t *newlines_total) {
    struct records_state s = {0, n, 0, (size_t)-2, 0};
    return records_from(p, n, 0, delimiter, first, &s, newlines_to_end, newlines_total);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* 64-byte blocks in two 32-byte AVX2 compares: a record line is about three blocks, most of them
   without a quote or newline, and each block that has none costs a load pair, four compares and a
   test, as one 16-byte block did. Built for AVX2 whatever the target's baseline, and called only on
   a CPU that has it. */
__attribute__((target("avx2"))) static size_t records_avx2(const uint8_t *p, size_t n, uint8_t delimiter, int first,
                                                           size_t *newlines_to_end, size_t *newlines_total) {
    struct records_state s = {0, n, 0, (size_t)-2, 0};
    size_t i = 0, found;
    const __m256i q = _mm256_set1_epi8('"');
    const __m256i l = _mm256_set1_epi8('\n');
    for (; i + 64 <= n; i += 64) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(p + i + 32));
        __m256i q0 = _mm256_cmpeq_epi8(v0, q), q1 = _mm256_cmpeq_epi8(v1, q);
        __m256i l0 = _mm256_cmpeq_epi8(v0, l), l1 = _mm256_cmpeq_epi8(v1, l);
        __m256i any = _mm256_or_si256(_mm256_or_si256(q0, l0), _mm256_or_si256(q1, l1));
        if (_mm256_testz_si256(any, any)) continue;
        uint64_t qm = (uint32_t)_mm256_movemask_epi8(q0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(q1) << 32;
        uint64_t lm = (uint32_t)_mm256_movemask_epi8(l0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(l1) << 32;
        if (records_block(p, i, qm, lm, delimiter, first, &s, &found)) {
            *newlines_to_end = *newlines_total = s.ls;
            return found;
        }
    }
    return records_from(p, n, i, delimiter, first, &s, newlines_to_end, newlines_total);
}

int cscan_has_avx2(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }
#else
int cscan_has_avx2(void) { return 0; }
#endif

size_t cscan_records(const uint8_t *p, size_t n, uint8_t delimiter, int first, size_t *newlines_to_end,
                     size_t *newlines_total) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    /* Asked once: the answer does not change, and the check is a load and a test after that. */
    static int avx2 = -1;
    int has = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (has < 0) {
        has = cscan_has_avx2();
        __atomic_store_n(&avx2, has, __ATOMIC_RELAXED);
    }
    if (has) return records_avx2(p, n, delimiter, first, newlines_to_end, newlines_total);
#endif
    return cscan_records_portable(p, n, delimiter, first, newlines_to_end, newlines_total);
}

int cscan_needs_quotes(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i c = _mm_set1_epi8(',');
    const __m128i q = _mm_set1_epi8('"');
    const __m128i l = _mm_set1_epi8('\n');
    const __m128i r = _mm_set1_epi8('\r');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c), _mm_cmpeq_epi8(v, q)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, l), _mm_cmpeq_epi8(v, r)));
        if (_mm_movemask_epi8(hit) != 0) return 1;
    }
#endif
    for (; i < n; i++) {
        uint8_t b = p[i];
        if (b == ',' || b == '"' || b == '\n' || b == '\r') return 1;
    }
    return 0;
}
