// Pieces the batch-invariant row-dot kernels share (rowdot512.c, rowdot_q8.c, rowdot_bf16.c): how one output
// is stored, and the fixed 16-lane reduction order of the AVX-512 kernels.
#ifndef BV_ROWDOT_SHARED_H
#define BV_ROWDOT_SHARED_H
#include <stddef.h>

/// out = (accumulate ? out : 0) + bias[j] + dot, added in that order.
static inline void bv_rowdot_store(float *o, const float *bias, ptrdiff_t j, int accumulate, float dot) {
    float base = accumulate ? *o : 0.0f;
    if (bias) base += bias[j];
    *o = base + dot;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#if defined(__clang__) && __clang_major__ >= 18
#define BV_REDUCE512 __attribute__((target("avx512f,avx512dq,evex512")))
#else
#define BV_REDUCE512 __attribute__((target("avx512f,avx512dq")))
#endif

/// 16 lanes → one float: (i + i+8), then (0+4, 1+5, 2+6, 3+7), then ((0+4)+(2+6)) + ((1+5)+(3+7)).
BV_REDUCE512 static inline float bv_reduce16(__m512 v) {
    __m256 a = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    float t[4];
    _mm_storeu_ps(t, h);
    return (t[0] + t[2]) + (t[1] + t[3]);
}
#endif
#endif
