// Batch-invariant row dot products with AVX-512F (see include/ckernels.h, bv_rowdot_avx512).
// Each output is one dot product computed the same way whatever the number of rows: one 16-lane FMA
// accumulator over k = 0, 16, 32, … in order, the halves added (lane i + lane i+8), those 8 lanes summed
// ((0+4)+(2+6))+((1+5)+(3+7)), then the k % 16 tail added in index order with fmaf. The blocking (2 weight rows
// × 8, 4 or 1 input rows per pass; 4 weight rows × 1 input row when there are fewer than 4 rows) only interleaves independent accumulators; it never changes any output's
// operation sequence. While the first pass over a pair of weight rows runs, the next pair is prefetched, so
// the DRAM stream overlaps the arithmetic (the weights are read from memory once per call).
#include "ckernels.h"
#include "rowdot_shared.h"
#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

// clang ≥ 18 also wants "evex512" for 512-bit vectors; GCC does not know that name.
#if defined(__clang__) && __clang_major__ >= 18
#define BV_AVX512 __attribute__((target("avx512f,avx512dq,evex512,fma")))
#else
#define BV_AVX512 __attribute__((target("avx512f,avx512dq,fma")))
#endif

int bv_has_avx512bw_vl(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

int bv_has_avx512f(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
}

BV_AVX512 static inline float bv_finish16(const float *w, const float *x, ptrdiff_t k, __m512 acc) {
    float s = bv_reduce16(acc);
    for (ptrdiff_t i = k & ~(ptrdiff_t)15; i < k; i++) s = fmaf(w[i], x[i], s);
    return s;
}

/// out = (accumulate ? out : 0) + bias[j] + dot, added in that order.
/// Into L2 (T1), not L1: the weights are read once, and the x rows stay in L1. Measured on the Zen 5 VM with 2
/// threads over the code predictor's matrices: 4–5 % more weight bandwidth at 8 rows and about 2 % at 1 row than
/// with T0 (no prefetch at all is 25 % slower at 8 rows).
BV_AVX512 static inline void bv_prefetch_rows(const float *p, ptrdiff_t k, ptrdiff_t i, int count) {
    for (int q = 0; q < count; q++) _mm_prefetch((const char *)(p + q * k + i), _MM_HINT_T1);
}

/// Rows r0 ..< r0 + R of x against weight rows w0, w1 (R ≤ 8); `pf` (or NULL) is prefetched alongside.
#define BV_BLOCK(R)                                                                                          \
    BV_AVX512 static void bv_block2x##R(const float *w0, const float *w1, const float *x, ptrdiff_t k,        \
                                        ptrdiff_t k16, const float *pf, float *out, ptrdiff_t ldo,           \
                                        const float *bias, int accumulate) {                                 \
        __m512 a[R], b[R];                                                                                   \
        for (int q = 0; q < R; q++) { a[q] = _mm512_setzero_ps(); b[q] = a[q]; }                             \
        for (ptrdiff_t i = 0; i < k16; i += 16) {                                                            \
            if (pf) bv_prefetch_rows(pf, k, i, 2);                                                           \
            __m512 v0 = _mm512_loadu_ps(w0 + i), v1 = _mm512_loadu_ps(w1 + i);                               \
            for (int q = 0; q < R; q++) {                                                                    \
                __m512 xv = _mm512_loadu_ps(x + q * k + i);                                                  \
                a[q] = _mm512_fmadd_ps(v0, xv, a[q]);                                                        \
                b[q] = _mm512_fmadd_ps(v1, xv, b[q]);                                                        \
            }                                                                                                \
        }                                                                                                    \
        for (int q = 0; q < R; q++) {                                                                        \
            bv_rowdot_store(out + q * ldo, bias, 0, accumulate, bv_finish16(w0, x + q * k, k, a[q]));            \
            bv_rowdot_store(out + q * ldo + 1, bias, 1, accumulate, bv_finish16(w1, x + q * k, k, b[q]));        \
        }                                                                                                    \
    }
BV_BLOCK(8)
BV_BLOCK(4)
BV_BLOCK(1)

/// One row of x against weight rows w0 … w3 (few-row calls: four DRAM streams in flight instead of two).
BV_AVX512 static void bv_block4x1(const float *w0, const float *x, ptrdiff_t k, ptrdiff_t k16, const float *pf, float *out,
                                  const float *bias, int accumulate) {
    const float *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (ptrdiff_t i = 0; i < k16; i += 16) {
        if (pf) bv_prefetch_rows(pf, k, i, 4);
        __m512 xv = _mm512_loadu_ps(x + i);
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + i), xv, a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + i), xv, a1);
        a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + i), xv, a2);
        a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + i), xv, a3);
    }
    bv_rowdot_store(out + 0, bias, 0, accumulate, bv_finish16(w0, x, k, a0));
    bv_rowdot_store(out + 1, bias, 1, accumulate, bv_finish16(w1, x, k, a1));
    bv_rowdot_store(out + 2, bias, 2, accumulate, bv_finish16(w2, x, k, a2));
    bv_rowdot_store(out + 3, bias, 3, accumulate, bv_finish16(w3, x, k, a3));
}

BV_AVX512
void bv_rowdot_avx512(const float *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out, ptrdiff_t ldo,
                      const float *bias, int accumulate) {
    const ptrdiff_t k16 = k & ~(ptrdiff_t)15;
    ptrdiff_t j = 0;
    if (rows < 4) {
        for (; j + 4 <= n; j += 4) {
            const float *w0 = w + j * k, *next = j + 8 <= n ? w0 + 4 * k : NULL;
            for (ptrdiff_t r = 0; r < rows; r++) bv_block4x1(w0, x + r * k, k, k16, r == 0 ? next : NULL, out + r * ldo + j,
                                                          bias ? bias + j : NULL, accumulate);
        }
    }
    for (; j + 2 <= n; j += 2) {
        const float *w0 = w + j * k, *w1 = w0 + k;
        const float *next = j + 4 <= n ? w0 + 2 * k : NULL;
        ptrdiff_t r = 0;
        for (; r + 8 <= rows; r += 8) bv_block2x8(w0, w1, x + r * k, k, k16, r == 0 ? next : NULL, out + r * ldo + j, ldo,
                                                     bias ? bias + j : NULL, accumulate);
        for (; r + 4 <= rows; r += 4) bv_block2x4(w0, w1, x + r * k, k, k16, r == 0 ? next : NULL, out + r * ldo + j, ldo,
                                                     bias ? bias + j : NULL, accumulate);
        for (; r < rows; r++) bv_block2x1(w0, w1, x + r * k, k, k16, r == 0 ? next : NULL, out + r * ldo + j, ldo,
                                                     bias ? bias + j : NULL, accumulate);
    }
    for (; j < n; j++) {
        const float *w0 = w + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const float *xa = x + r * k;
            __m512 a0 = _mm512_setzero_ps();
            for (ptrdiff_t i = 0; i < k16; i += 16) a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + i), _mm512_loadu_ps(xa + i), a0);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, bv_finish16(w0, xa, k, a0));
        }
    }
}

#else

int bv_has_avx512f(void) { return 0; }
int bv_has_avx512bw_vl(void) { return 0; }

void bv_rowdot_avx512(const float *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out, ptrdiff_t ldo,
                      const float *bias, int accumulate) {
    bv_rowdot_avx2(w, k, n, x, rows, out, ldo, bias, accumulate);
}

#endif
