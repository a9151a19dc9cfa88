// Multi-source weighted sums with AVX2 + FMA (see include/ckernels.h).
#include "ckernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2,fma")))
void bv_weighted_sum_avx2(const float *const *sources, const float *taps, int count, float *out, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        for (int t = 0; t < count; t++) {
            __m256 w = _mm256_broadcast_ss(taps + t);
            a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(sources[t] + i), a0);
            a1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(sources[t] + i + 8), a1);
        }
        _mm256_storeu_ps(out + i, a0);
        _mm256_storeu_ps(out + i + 8, a1);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 a0 = _mm256_setzero_ps();
        for (int t = 0; t < count; t++)
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(taps + t), _mm256_loadu_ps(sources[t] + i), a0);
        _mm256_storeu_ps(out + i, a0);
    }
    for (; i < n; i++) {
        float s = 0;
        for (int t = 0; t < count; t++) s = __builtin_fmaf(taps[t], sources[t][i], s);
        out[i] = s;
    }
}

#else

void bv_weighted_sum_avx2(const float *const *sources, const float *taps, int count, float *out, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) {
        float s = 0;
        for (int t = 0; t < count; t++) s += taps[t] * sources[t][i];
        out[i] = s;
    }
}

#endif
