// Batch-invariant row dot products with AVX2 + FMA (see include/ckernels.h, bv_rowdot_avx2).
// Each output is one dot product computed the same way whatever the number of rows: one 8-lane FMA
// accumulator over k = 0, 8, 16, … in order, the lanes summed ((0+4)+(2+6))+((1+5)+(3+7)), then the k % 8 tail
// added in index order with fmaf. Blocking (4 weight rows × 2 input rows per pass) only interleaves
// independent accumulators; it never changes any output's operation sequence.
#include "ckernels.h"
#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static inline float bv_reduce8(__m256 v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)); // (0+4, 1+5, 2+6, 3+7)
    float t[4];
    _mm_storeu_ps(t, h);
    return (t[0] + t[2]) + (t[1] + t[3]);
}

__attribute__((target("avx2,fma")))
static inline float bv_tail(const float *w, const float *x, ptrdiff_t k, float s) {
    for (ptrdiff_t i = k & ~(ptrdiff_t)7; i < k; i++) s = fmaf(w[i], x[i], s);
    return s;
}

/// out = (accumulate ? out : 0) + bias[j] + dot, added in that order.
static inline void bv_store(float *o, const float *bias, ptrdiff_t j, int accumulate, float dot) {
    float base = accumulate ? *o : 0.0f;
    if (bias) base += bias[j];
    *o = base + dot;
}

__attribute__((target("avx2,fma")))
void bv_rowdot_avx2(const float *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out, ptrdiff_t ldo,
                    const float *bias, int accumulate) {
    const ptrdiff_t k8 = k & ~(ptrdiff_t)7;
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *w0 = w + j * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
        ptrdiff_t r = 0;
        for (; r + 2 <= rows; r += 2) {
            const float *xa = x + r * k, *xb = xa + k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (ptrdiff_t i = 0; i < k8; i += 8) {
                __m256 va = _mm256_loadu_ps(xa + i), vb = _mm256_loadu_ps(xb + i);
                __m256 v0 = _mm256_loadu_ps(w0 + i), v1 = _mm256_loadu_ps(w1 + i);
                __m256 v2 = _mm256_loadu_ps(w2 + i), v3 = _mm256_loadu_ps(w3 + i);
                a0 = _mm256_fmadd_ps(v0, va, a0); b0 = _mm256_fmadd_ps(v0, vb, b0);
                a1 = _mm256_fmadd_ps(v1, va, a1); b1 = _mm256_fmadd_ps(v1, vb, b1);
                a2 = _mm256_fmadd_ps(v2, va, a2); b2 = _mm256_fmadd_ps(v2, vb, b2);
                a3 = _mm256_fmadd_ps(v3, va, a3); b3 = _mm256_fmadd_ps(v3, vb, b3);
            }
            float *oa = out + r * ldo + j, *ob = oa + ldo;
            bv_store(oa + 0, bias, j + 0, accumulate, bv_tail(w0, xa, k, bv_reduce8(a0)));
            bv_store(ob + 0, bias, j + 0, accumulate, bv_tail(w0, xb, k, bv_reduce8(b0)));
            bv_store(oa + 1, bias, j + 1, accumulate, bv_tail(w1, xa, k, bv_reduce8(a1)));
            bv_store(ob + 1, bias, j + 1, accumulate, bv_tail(w1, xb, k, bv_reduce8(b1)));
            bv_store(oa + 2, bias, j + 2, accumulate, bv_tail(w2, xa, k, bv_reduce8(a2)));
            bv_store(ob + 2, bias, j + 2, accumulate, bv_tail(w2, xb, k, bv_reduce8(b2)));
            bv_store(oa + 3, bias, j + 3, accumulate, bv_tail(w3, xa, k, bv_reduce8(a3)));
            bv_store(ob + 3, bias, j + 3, accumulate, bv_tail(w3, xb, k, bv_reduce8(b3)));
        }
        for (; r < rows; r++) {
            const float *xa = x + r * k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (ptrdiff_t i = 0; i < k8; i += 8) {
                __m256 va = _mm256_loadu_ps(xa + i);
                a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + i), va, a0);
                a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + i), va, a1);
                a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + i), va, a2);
                a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + i), va, a3);
            }
            float *oa = out + r * ldo + j;
            bv_store(oa + 0, bias, j + 0, accumulate, bv_tail(w0, xa, k, bv_reduce8(a0)));
            bv_store(oa + 1, bias, j + 1, accumulate, bv_tail(w1, xa, k, bv_reduce8(a1)));
            bv_store(oa + 2, bias, j + 2, accumulate, bv_tail(w2, xa, k, bv_reduce8(a2)));
            bv_store(oa + 3, bias, j + 3, accumulate, bv_tail(w3, xa, k, bv_reduce8(a3)));
        }
    }
    for (; j < n; j++) {
        const float *w0 = w + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const float *xa = x + r * k;
            __m256 a0 = _mm256_setzero_ps();
            for (ptrdiff_t i = 0; i < k8; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + i), _mm256_loadu_ps(xa + i), a0);
            bv_store(out + r * ldo + j, bias, j, accumulate, bv_tail(w0, xa, k, bv_reduce8(a0)));
        }
    }
}

#else

void bv_rowdot_avx2(const float *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out, ptrdiff_t ldo,
                    const float *bias, int accumulate) {
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t r = 0; r < rows; r++) {
            float s = 0;
            for (ptrdiff_t i = 0; i < k; i++) s = fmaf(w[j * k + i], x[r * k + i], s);
            bv_store(out + r * ldo + j, bias, j, accumulate, s);
        }
}

#endif
