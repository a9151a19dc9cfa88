// exp-based row kernels with AVX2 + FMA (see include/ckernels.h): softmax over a row and SiLU.
// exp uses the Cephes expf scheme: n = floor(x·log2 e + 1/2), two-part Cody–Waite reduction
// r = x − n·ln 2, the Cephes degree-5 minimax polynomial on |r| ≤ ln 2 / 2 (≈1 ulp), then ·2ⁿ.
// Inputs are clamped to [ln FLT_MIN, 88.376]; below ln FLT_MIN (−inf included) the result is 0.
#include "ckernels.h"
#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static inline __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(-87.33654475f), hi = _mm256_set1_ps(88.37626266f);
    __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ); // also true for −inf; NaN stays NaN below
    __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(xc, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), xc);
    r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    y = _mm256_andnot_ps(under, y);
    // NaN inputs: the clamp turned them into a bound; put the NaN back.
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    return _mm256_blendv_ps(y, x, nan);
}

__attribute__((target("avx2,fma")))
void bv_softmax_row_avx2(float *p, ptrdiff_t n) {
    if (n <= 0) return;
    ptrdiff_t i = 0, v = n & ~(ptrdiff_t)7;
    __m256 mv = _mm256_set1_ps(-INFINITY);
    for (; i < v; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(p + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, mv);
    float m = -INFINITY;
    for (int j = 0; j < 8; j++) m = lanes[j] > m ? lanes[j] : m;
    for (; i < n; i++) m = p[i] > m ? p[i] : m;
    if (m == -INFINITY) {
        for (i = 0; i < n; i++) p[i] = 0;
        return;
    }
    __m256 mb = _mm256_set1_ps(m), sv = _mm256_setzero_ps();
    for (i = 0; i < v; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(p + i), mb));
        _mm256_storeu_ps(p + i, e);
        sv = _mm256_add_ps(sv, e);
    }
    _mm256_storeu_ps(lanes, sv);
    float s = 0;
    for (int j = 0; j < 8; j++) s += lanes[j];
    for (; i < n; i++) {
        float e = expf(p[i] - m);
        p[i] = e;
        s += e;
    }
    __m256 inv = _mm256_set1_ps(1.0f / s);
    for (i = 0; i < v; i += 8) _mm256_storeu_ps(p + i, _mm256_mul_ps(_mm256_loadu_ps(p + i), inv));
    float invs = 1.0f / s;
    for (; i < n; i++) p[i] *= invs;
}

__attribute__((target("avx2,fma")))
void bv_silu_avx2(const float *x, float *y, ptrdiff_t n) {
    ptrdiff_t i = 0, v = n & ~(ptrdiff_t)7;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (; i < v; i += 8) {
        __m256 a = _mm256_loadu_ps(x + i);
        __m256 e = exp8(_mm256_sub_ps(zero, a));
        _mm256_storeu_ps(y + i, _mm256_div_ps(a, _mm256_add_ps(one, e)));
    }
    for (; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}

#else

void bv_softmax_row_avx2(float *p, ptrdiff_t n) {
    float m = -INFINITY, s = 0;
    for (ptrdiff_t i = 0; i < n; i++) m = p[i] > m ? p[i] : m;
    if (m == -INFINITY) {
        for (ptrdiff_t i = 0; i < n; i++) p[i] = 0;
        return;
    }
    for (ptrdiff_t i = 0; i < n; i++) { p[i] = expf(p[i] - m); s += p[i]; }
    for (ptrdiff_t i = 0; i < n; i++) p[i] *= 1.0f / s;
}

void bv_silu_avx2(const float *x, float *y, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}

#endif
