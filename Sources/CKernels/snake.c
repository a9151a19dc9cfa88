// Snake / SnakeBeta with AVX2 + FMA (see include/ckernels.h).
#include "ckernels.h"
#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

int bv_has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}

static inline float snake_scalar(float v, float alpha, float invBeta) {
    float s = sinf(v * alpha);
    return v + invBeta * (s * s);
}

__attribute__((target("avx2,fma")))
void bv_snake_avx2(const float *x, float *y, ptrdiff_t n, float alpha, float invBeta) {
    const __m256 va = _mm256_set1_ps(alpha), vib = _mm256_set1_ps(invBeta);
    const __m256 twoOverPi = _mm256_set1_ps(0.636619772367581343f);
    const __m256 magic = _mm256_set1_ps(12582912.0f); // 1.5 * 2^23: rounds to an integer in the low bits
    const __m256 dp1 = _mm256_set1_ps(1.5703125f);
    const __m256 dp2 = _mm256_set1_ps(4.837512969970703125e-4f);
    const __m256 dp3 = _mm256_set1_ps(7.54978995489188216e-8f);
    const __m256 limit = _mm256_set1_ps(8192.0f);
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 s0 = _mm256_set1_ps(-1.9515295891e-4f), s1 = _mm256_set1_ps(8.3321608736e-3f),
                 s2 = _mm256_set1_ps(-1.6666654611e-1f);
    const __m256 c0 = _mm256_set1_ps(2.443315711809948e-5f), c1 = _mm256_set1_ps(-1.388731625493765e-3f),
                 c2 = _mm256_set1_ps(4.166664568298827e-2f);
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    const __m256i oddBit = _mm256_set1_epi32(1);
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 a = _mm256_mul_ps(v, va);
        __m256 inRange = _mm256_cmp_ps(_mm256_and_ps(a, absMask), limit, _CMP_LE_OQ);
        if (_mm256_movemask_ps(inRange) != 0xFF) {
            float tmp[8];
            _mm256_storeu_ps(tmp, v);
            for (int k = 0; k < 8; k++) y[i + k] = snake_scalar(tmp[k], alpha, invBeta);
            continue;
        }
        __m256 t = _mm256_add_ps(_mm256_mul_ps(a, twoOverPi), magic);
        __m256i q = _mm256_castps_si256(t);
        __m256 j = _mm256_sub_ps(t, magic);
        __m256 r = _mm256_fnmadd_ps(j, dp1, a);
        r = _mm256_fnmadd_ps(j, dp2, r);
        r = _mm256_fnmadd_ps(j, dp3, r);
        __m256 z = _mm256_mul_ps(r, r);
        __m256 s = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(s0, z, s1), z, s2), z), r, r);
        __m256 c = _mm256_mul_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(c0, z, c1), z, c2), _mm256_mul_ps(z, z));
        c = _mm256_add_ps(_mm256_fnmadd_ps(half, z, c), one);
        __m256 odd = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(q, oddBit), oddBit));
        __m256 sv = _mm256_blendv_ps(s, c, odd); // +-sin(a); the sign vanishes when squared
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(vib, _mm256_mul_ps(sv, sv), v));
    }
    for (; i < n; i++) y[i] = snake_scalar(x[i], alpha, invBeta);
}

#else

int bv_has_avx2_fma(void) { return 0; }

void bv_snake_avx2(const float *x, float *y, ptrdiff_t n, float alpha, float invBeta) {
    for (ptrdiff_t i = 0; i < n; i++) {
        float s = sinf(x[i] * alpha);
        y[i] = x[i] + invBeta * (s * s);
    }
}

#endif
